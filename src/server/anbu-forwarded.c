/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "anbu-forwarded.h"

/* RFC 7230 token characters. */
static gboolean
is_tchar (char c)
{
  return c != '\0' && (g_ascii_isalnum (c) || strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static gboolean
is_ows (char c)
{
  return c == ' ' || c == '\t';
}

static const char *
skip_ows (const char *p)
{
  while (is_ows (*p))
    p++;
  return p;
}

/* A quoted-string at `p` (on its opening quote), unescaped into `value`.
 * Returns the position after the closing quote, or NULL when the string
 * is not closed or holds a character it may not. */
static const char *
read_quoted (const char *p,
             GString    *value)
{
  for (p++; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c == '"')
        return p + 1;
      if (c == '\\')
        {
          c = *++p;
          if (c == '\0' || (c < 0x20 && c != '\t') || c == 0x7f)
            return NULL;
        }
      else if ((c < 0x20 && c != '\t') || c == 0x7f)
        return NULL;
      g_string_append_c (value, c);
    }
  return NULL;
}

/* Past the rest of a malformed element: the next comma outside quotes, or
 * NULL when a quote is never closed (the rest of the header is then all
 * one malformed element). */
static const char *
skip_malformed (const char *p)
{
  while (*p != '\0' && *p != ',')
    {
      if (*p == '"')
        {
          for (p++; *p != '\0' && *p != '"'; p++)
            if (*p == '\\' && *++p == '\0')
              return NULL;
          if (*p == '\0')
            return NULL;
        }
      p++;
    }
  return p;
}

/* node-port (RFC 7239 section 6): 1*5DIGIT, or "_" and an obfuscated
 * port. */
static gboolean
is_node_port (const char *port)
{
  gsize length = strlen (port);

  if (length == 0)
    return FALSE;
  if (port[0] == '_')
    {
      if (length == 1)
        return FALSE;
      for (const char *c = port + 1; *c != '\0'; c++)
        if (!g_ascii_isalnum (*c) && strchr ("._-", *c) == NULL)
          return FALSE;
      return TRUE;
    }
  if (length > 5)
    return FALSE;
  for (const char *c = port; *c != '\0'; c++)
    if (!g_ascii_isdigit (*c))
      return FALSE;
  return TRUE;
}

static GInetAddress *
address_of_family (const char     *text,
                   const char     *allowed,
                   GSocketFamily   family)
{
  GInetAddress *address;

  if (text[0] == '\0' || text[strspn (text, allowed)] != '\0')
    return NULL;
  address = g_inet_address_new_from_string (text);
  if (address != NULL && g_inet_address_get_family (address) != family)
    g_clear_object (&address);
  return address;
}

/* The address a for= value names: an IPv4 address or an IPv6 one in
 * brackets, each with an optional port; NULL for "unknown", an
 * obfuscated identifier ("_hidden") or anything else. */
static GInetAddress *
node_address (const char *node)
{
  g_autofree char *name = NULL;
  const char *port = NULL;

  if (node[0] == '[')
    {
      const char *close = strchr (node, ']');

      if (close == NULL)
        return NULL;
      name = g_strndup (node + 1, close - node - 1);
      if (close[1] == ':')
        port = close + 2;
      else if (close[1] != '\0')
        return NULL;
      if (port != NULL && !is_node_port (port))
        return NULL;
      return address_of_family (name, "0123456789abcdefABCDEF:.", G_SOCKET_FAMILY_IPV6);
    }
  port = strchr (node, ':');
  if (port != NULL)
    {
      name = g_strndup (node, port - node);
      if (!is_node_port (port + 1))
        return NULL;
    }
  else
    name = g_strdup (node);
  /* An IPv6 address without brackets ends up here with its colons as a
   * "port": it names nothing, as the RFC asks for brackets. */
  return address_of_family (name, "0123456789.", G_SOCKET_FAMILY_IPV4);
}

/* One forwarded-element at `*p`: its for= address, or NULL. Leaves `*p`
 * on the comma after it or the end; sets `*unclosed` when a quote ran to
 * the end of the header. */
static GInetAddress *
read_element (const char **p,
              gboolean    *unclosed)
{
  g_autoptr(GString) for_value = NULL;
  const char *at = *p;

  for (;;)
    {
      const char *name;
      gsize name_length;
      g_autoptr(GString) value = g_string_new (NULL);

      at = skip_ows (at);
      if (*at == ';')
        {
          at++;
          continue;
        }
      if (*at == ',' || *at == '\0')
        break;
      name = at;
      while (is_tchar (*at))
        at++;
      name_length = at - name;
      if (name_length == 0 || *at != '=')
        goto malformed;
      at++;
      if (*at == '"')
        {
          at = read_quoted (at, value);
          if (at == NULL)
            goto malformed_from_start;
        }
      else
        {
          const char *start = at;

          while (is_tchar (*at))
            at++;
          if (at == start)
            goto malformed;
          g_string_append_len (value, start, at - start);
        }
      if (name_length == 3 && g_ascii_strncasecmp (name, "for", 3) == 0)
        {
          /* A parameter occurs at most once in an element. */
          if (for_value != NULL)
            goto malformed;
          for_value = g_steal_pointer (&value);
        }
      at = skip_ows (at);
      if (*at == ';')
        at++;
      else if (*at != ',' && *at != '\0')
        goto malformed;
    }
  *p = at;
  return for_value != NULL ? node_address (for_value->str) : NULL;

malformed_from_start:
  /* A bad quoted string: find where the element ends from its start, so
   * that a quote it opened is seen by the skip. */
  at = *p;
malformed:
  at = skip_malformed (at);
  if (at == NULL)
    {
      *unclosed = TRUE;
      at = *p + strlen (*p);
    }
  *p = at;
  return NULL;
}

/* Hops are NULL where they name no address. */
static void
hop_free (gpointer hop)
{
  g_clear_object (&hop);
}

GPtrArray *
anbu_forwarded_parse (const char *header)
{
  GPtrArray *hops = g_ptr_array_new_with_free_func (hop_free);
  const char *at = header;
  gboolean unclosed = FALSE;

  while (!unclosed)
    {
      at = skip_ows (at);
      if (*at == '\0')
        break;
      /* Empty list elements ("a, , b") are no hops (RFC 7230 section 7). */
      if (*at != ',')
        g_ptr_array_add (hops, read_element (&at, &unclosed));
      if (*at == ',')
        at++;
    }
  return hops;
}

GPtrArray *
anbu_x_forwarded_for_parse (const char *header)
{
  GPtrArray *hops = g_ptr_array_new_with_free_func (hop_free);
  g_auto(GStrv) entries = g_strsplit (header, ",", -1);

  for (guint i = 0; entries[i] != NULL; i++)
    g_ptr_array_add (hops, g_inet_address_new_from_string (g_strstrip (entries[i])));
  return hops;
}

static char *
walk_hops (GPtrArray            *hops,
           AnbuTrustedProxyFunc  is_trusted,
           gpointer              user_data)
{
  char *client = NULL;

  for (guint i = hops->len; i-- > 0;)
    {
      GInetAddress *hop = hops->pdata[i];

      if (hop == NULL)
        break;
      g_free (client);
      client = g_inet_address_to_string (hop);
      if (!is_trusted (hop, user_data))
        break;
    }
  return client;
}

char *
anbu_forwarded_client_address (const char           *forwarded,
                               const char           *x_forwarded_for,
                               AnbuTrustedProxyFunc  is_trusted,
                               gpointer              user_data)
{
  g_autofree char *by_forwarded = NULL;
  g_autofree char *by_x_forwarded_for = NULL;

  if (forwarded != NULL)
    {
      g_autoptr(GPtrArray) hops = anbu_forwarded_parse (forwarded);

      by_forwarded = walk_hops (hops, is_trusted, user_data);
    }
  if (x_forwarded_for != NULL)
    {
      g_autoptr(GPtrArray) hops = anbu_x_forwarded_for_parse (x_forwarded_for);

      by_x_forwarded_for = walk_hops (hops, is_trusted, user_data);
    }
  /* A proxy that writes one header may pass the other on from the client
   * untouched: when the two disagree, the server cannot tell which one the
   * proxy wrote, so the request counts as the proxy's own. */
  if (forwarded != NULL && x_forwarded_for != NULL
      && g_strcmp0 (by_forwarded, by_x_forwarded_for) != 0)
    return NULL;
  return forwarded != NULL ? g_steal_pointer (&by_forwarded) : g_steal_pointer (&by_x_forwarded_for);
}
