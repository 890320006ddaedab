/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who the client is behind a trusted reverse proxy (src/server/anbu-forwarded.c):
 * the `Forwarded` header of RFC 7239 and `X-Forwarded-For`. Whatever a
 * client writes into either header, it must never get to name the address
 * it is throttled by: a value that names no address ends the walk at the
 * last address known. test-auth.c runs the same through the real server. */
#include "config.h"

#include <string.h>

#include "anbu-forwarded.h"

/* The proxies of these cases: nginx on the machine, and a load balancer. */
static gboolean
is_trusted (GInetAddress *address,
            gpointer      user_data)
{
  g_autofree char *text = g_inet_address_to_string (address);

  return g_str_equal (text, "127.0.0.1") || g_str_equal (text, "10.0.0.2")
         || g_str_equal (text, "fd00::2");
}

static char *
client_of (const char *forwarded,
           const char *x_forwarded_for)
{
  return anbu_forwarded_client_address (forwarded, x_forwarded_for, is_trusted, NULL);
}

/* The hops of a Forwarded header as text, "-" for a hop without address. */
static char *
hops_of (const char *forwarded)
{
  g_autoptr(GPtrArray) hops = anbu_forwarded_parse (forwarded);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < hops->len; i++)
    {
      g_autofree char *hop = hops->pdata[i] != NULL ? g_inet_address_to_string (hops->pdata[i])
                                                    : g_strdup ("-");

      g_string_append_printf (text, "%s%s", i > 0 ? " " : "", hop);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

#define assert_client(forwarded, xff, expected)                            \
  G_STMT_START {                                                           \
    g_autofree char *client_ = client_of ((forwarded), (xff));             \
    g_assert_cmpstr (client_, ==, (expected));                             \
  } G_STMT_END

#define assert_hops(forwarded, expected)                                   \
  G_STMT_START {                                                           \
    g_autofree char *hops_ = hops_of (forwarded);                          \
    g_assert_cmpstr (hops_, ==, (expected));                               \
  } G_STMT_END

static void
test_forwarded_forms (void)
{
  /* The forms RFC 7239 section 6 gives, and parameter names in any case. */
  assert_hops ("for=192.0.2.43", "192.0.2.43");
  assert_hops ("for=\"192.0.2.43\"", "192.0.2.43");
  assert_hops ("For=\"[2001:db8:cafe::17]\"", "2001:db8:cafe::17");
  assert_hops ("FOR=\"[2001:db8::1]:4711\"", "2001:db8::1");
  assert_hops ("for=\"192.0.2.43:47011\"", "192.0.2.43");
  assert_hops ("for=\"192.0.2.43:_port\"", "192.0.2.43");
  assert_hops ("for=192.0.2.60;proto=http;by=203.0.113.43", "192.0.2.60");
  assert_hops ("proto=https; for=192.0.2.60 ;by=_proxy", "192.0.2.60");
  assert_hops ("for=192.0.2.43, for=198.51.100.17", "192.0.2.43 198.51.100.17");
  /* Several headers arrive joined with ", "; empty list elements are none. */
  assert_hops ("for=192.0.2.43,, for=\"[::1]\" ,", "192.0.2.43 ::1");
  /* A quoted-pair is the character it escapes. */
  assert_hops ("for=\"\\1\\92.0.2.43\"", "192.0.2.43");
  /* Names without an address: they are hops all the same. */
  assert_hops ("for=unknown, for=_hidden, for=\"_SEVKISEK\", for=192.0.2.1",
               "- - - 192.0.2.1");
}

static void
test_forwarded_malformed (void)
{
  /* No for= in the element, or twice. */
  assert_hops ("proto=https;by=10.0.0.2", "-");
  assert_hops ("for=192.0.2.1;for=192.0.2.2, for=192.0.2.3", "- 192.0.2.3");
  /* Not "name=value". */
  assert_hops ("192.0.2.1, for=192.0.2.3", "- 192.0.2.3");
  assert_hops ("for, for=192.0.2.3", "- 192.0.2.3");
  assert_hops ("for=, for=192.0.2.3", "- 192.0.2.3");
  assert_hops ("for = 192.0.2.1, for=192.0.2.3", "- 192.0.2.3");
  assert_hops ("for=192.0.2.1 x, for=192.0.2.3", "- 192.0.2.3");
  assert_hops ("\x01\xff garbage ;;=, for=192.0.2.3", "- 192.0.2.3");
  /* Characters a token may not hold need quotes (RFC 7239 section 6). */
  assert_hops ("for=[2001:db8::1], for=192.0.2.3", "- 192.0.2.3");
  assert_hops ("for=192.0.2.1:80, for=192.0.2.3", "- 192.0.2.3");
  /* IPv6 without brackets, IPv4 in brackets, bad ports, zones, names. */
  assert_hops ("for=\"2001:db8::1\"", "-");
  assert_hops ("for=\"::1\"", "-");
  assert_hops ("for=\"[192.0.2.1]\"", "-");
  assert_hops ("for=\"[2001:db8::1]:\"", "-");
  assert_hops ("for=\"[2001:db8::1]:123456\"", "-");
  assert_hops ("for=\"[2001:db8::1]x\"", "-");
  assert_hops ("for=\"[2001:db8::1\"", "-");
  assert_hops ("for=\"[fe80::1%eth0]\"", "-");
  assert_hops ("for=\"192.0.2.1:_\"", "-");
  assert_hops ("for=\"192.0.2.256\"", "-");
  assert_hops ("for=\"localhost\"", "-");
  assert_hops ("for=\"192.0.2.1 \"", "-");
  /* Text after a closed quoted string. */
  assert_hops ("for=\"192.0.2.1\"x, for=192.0.2.3", "- 192.0.2.3");
  /* A control character in a quoted string; its quote still pairs up. */
  assert_hops ("for=\"192.0.2.1\x01\", for=192.0.2.3", "- 192.0.2.3");
  assert_hops ("by=\"a, b\" x, for=192.0.2.3", "- 192.0.2.3");
  /* An unclosed quote swallows what the proxies appended after it: the
   * rest of the header is one element without address. */
  assert_hops ("for=\"192.0.2.1, for=192.0.2.3", "-");
  assert_hops ("for=192.0.2.9, for=\"198.51.100.1\\\", for=192.0.2.3", "192.0.2.9 -");
  assert_hops ("by=x\"y, for=192.0.2.3", "-");
  assert_hops ("for=\"x\\", "-");
  assert_hops ("", "");
}

static void
test_walk (void)
{
  /* The client is the first address from the right that is no trusted proxy. */
  assert_client ("for=203.0.113.5", NULL, "203.0.113.5");
  assert_client ("for=198.51.100.1, for=203.0.113.5, for=\"[fd00::2]:80\", for=10.0.0.2",
                 NULL, "203.0.113.5");
  assert_client ("for=\"[2001:db8::5]:4711\", for=127.0.0.1", NULL, "2001:db8::5");
  /* Both headers count only when they name the same client: a proxy that
   * writes one may pass the other on from the client untouched. */
  assert_client ("for=203.0.113.5", "198.51.100.9", NULL);
  assert_client ("for=203.0.113.5", "198.51.100.9, 203.0.113.5", "203.0.113.5");
  assert_client ("for=203.0.113.5, for=10.0.0.2", "203.0.113.5", "203.0.113.5");
  assert_client ("for=unknown", "203.0.113.5", NULL);
  assert_client (NULL, "198.51.100.9, 203.0.113.5, 10.0.0.2", "203.0.113.5");
  assert_client (NULL, NULL, NULL);

  /* A hop without address ends the walk at the last address known: the
   * trusted proxy next to it, or the peer (NULL) when there is none. What
   * the client wrote to its left never counts. */
  assert_client ("for=198.51.100.1, for=unknown, for=10.0.0.2", NULL, "10.0.0.2");
  assert_client ("for=198.51.100.1, for=_hidden", "198.51.100.9", NULL);
  assert_client ("for=198.51.100.1, garbage", NULL, NULL);
  assert_client ("for=198.51.100.1, proto=https", NULL, NULL);
  assert_client ("for=198.51.100.1, for=\"2001:db8::1\"", NULL, NULL);
  assert_client ("for=\"198.51.100.1, for=203.0.113.5", NULL, NULL);
  assert_client ("for=\"198.51.100.1\\\", for=10.0.0.2", NULL, NULL);
  assert_client ("", "198.51.100.9", NULL);
  /* A client's own garbage to the left of the proxy's element is harmless. */
  assert_client ("for=\"x\" y, , for=203.0.113.5", NULL, "203.0.113.5");
  assert_client (NULL, "not an address, 203.0.113.5", "203.0.113.5");
  assert_client (NULL, "203.0.113.5, not an address, 10.0.0.2", "10.0.0.2");
  /* Only trusted proxies all the way: the leftmost one. */
  assert_client ("for=127.0.0.1, for=10.0.0.2", NULL, "127.0.0.1");
}

static void
test_huge_header (void)
{
  g_autoptr(GString) header = g_string_new (NULL);
  g_autoptr(GString) unclosed = NULL;
  g_autoptr(GPtrArray) hops = NULL;

  /* Far more than any proxy chain: every element is read, once. */
  for (guint i = 0; i < 100000; i++)
    g_string_append (header, "for=\"[2001:db8::1]:4711\";proto=https, for=unknown, ");
  g_string_append (header, "for=203.0.113.5, for=10.0.0.2");
  hops = anbu_forwarded_parse (header->str);
  g_assert_cmpuint (hops->len, ==, 200002);
  assert_client (header->str, NULL, "203.0.113.5");

  /* A megabyte of garbage before the proxy's element. */
  g_string_truncate (header, 0);
  for (guint i = 0; i < 100000; i++)
    g_string_append (header, "=;\"x\\\"y\";");
  unclosed = g_string_new (header->str);
  g_string_append (header, ", for=203.0.113.5");
  assert_client (header->str, NULL, "203.0.113.5");
  /* ... and a quote left open in it: the proxy's element is lost. */
  g_string_append (unclosed, ", for=\"203.0.113.7, for=10.0.0.2");
  assert_client (unclosed->str, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/forwarded/forms", test_forwarded_forms);
  g_test_add_func ("/forwarded/malformed", test_forwarded_malformed);
  g_test_add_func ("/forwarded/walk", test_walk);
  g_test_add_func ("/forwarded/huge-header", test_huge_header);
  return g_test_run ();
}
