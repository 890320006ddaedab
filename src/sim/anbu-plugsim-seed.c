/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-plugsim"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "anbu-clock.h"
#include "anbu-plugsim-client.h"
#include "anbu-plugsim-commands.h"
#include "anbu-sim-district.h"

#define HOUSEHOLDS_PER_BATCH 400

static const char *
appliance_wire_name (AnbuSimAppliance appliance)
{
  switch (appliance)
    {
    case ANBU_SIM_APPLIANCE_TV:
      return "tv";
    case ANBU_SIM_APPLIANCE_MICROWAVE:
      return "microwave";
    case ANBU_SIM_APPLIANCE_RICE_COOKER:
      return "rice_cooker";
    case ANBU_SIM_APPLIANCE_LAMP:
      return "lamp";
    case ANBU_SIM_APPLIANCE_KETTLE:
    default:
      return "other";
    }
}

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static void
add_mutation (JsonBuilder *builder,
              const char  *kind,
              JsonNode    *payload)
{
  g_autofree char *id = g_uuid_string_random ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind);
  json_builder_set_member_name (builder, "payload");
  json_builder_add_value (builder, payload);
  json_builder_end_object (builder);
}

static gboolean
push_batch (AnbuPlugsimClient  *client,
            const char         *token,
            JsonBuilder        *builder,
            GError            **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *body = NULL;
  JsonArray *results;

  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  answer = anbu_plugsim_client_request (client, "POST", "/api/v1/mutations", token, body, error);
  if (answer == NULL)
    return FALSE;
  results = json_object_get_array_member (json_node_get_object (answer), "results");
  for (guint i = 0; results != NULL && i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);
      const char *status = json_object_get_string_member (result, "status");

      if (g_strcmp0 (status, "applied") != 0 && g_strcmp0 (status, "duplicate") != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The server refused a record: %s (%s)",
                       json_object_get_string_member_with_default (result, "message", "?"),
                       json_object_get_string_member_with_default (result, "field", "-"));
          return FALSE;
        }
    }
  return TRUE;
}

static char *
make_password (void)
{
  static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  GString *out = g_string_new (NULL);

  for (int i = 0; i < 14; i++)
    g_string_append_c (out, alphabet[g_random_int_range (0, sizeof alphabet - 1)]);
  return g_string_free (out, FALSE);
}

static char *
add_user (AnbuPlugsimClient  *client,
          const char         *token,
          const char         *username,
          const char         *display_name,
          const char         *role,
          const char         *dong_code,
          const char         *password,
          GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, display_name);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role);
  json_builder_set_member_name (builder, "dong_codes");
  json_builder_begin_array (builder);
  if (dong_code != NULL)
    json_builder_add_string_value (builder, dong_code);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = json_to_string (body, FALSE);
  answer = anbu_plugsim_client_request (client, "POST", "/api/v1/admin/users", token, text, error);
  if (answer == NULL)
    return NULL;
  return g_strdup (json_object_get_string_member (json_node_get_object (answer), "id"));
}

static JsonNode *
household_payload (const char            *id,
                   const AnbuSimDong     *dong,
                   const AnbuSimResident *resident,
                   guint                  threshold,
                   const char            *planner_id,
                   gint64                 installed)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GDateTime) consent_dt = g_date_time_new_from_unix_utc (installed);
  g_autofree char *consent_date = g_date_time_format (consent_dt, "%Y-%m-%d");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "dong_code");
  json_builder_add_string_value (b, dong->code);
  json_builder_set_member_name (b, "dong_name");
  json_builder_add_string_value (b, dong->name);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, resident->name);
  json_builder_set_member_name (b, "birth_year");
  json_builder_add_int_value (b, resident->birth_year);
  json_builder_set_member_name (b, "sex");
  json_builder_add_string_value (b, resident->sex);
  json_builder_set_member_name (b, "phone");
  json_builder_add_string_value (b, resident->phone);
  json_builder_set_member_name (b, "address");
  json_builder_add_string_value (b, resident->address);
  if (resident->address_detail != NULL)
    {
      json_builder_set_member_name (b, "address_detail");
      json_builder_add_string_value (b, resident->address_detail);
    }
  json_builder_set_member_name (b, "lat");
  json_builder_add_double_value (b, resident->lat);
  json_builder_set_member_name (b, "lon");
  json_builder_add_double_value (b, resident->lon);
  json_builder_set_member_name (b, "night_consent");
  json_builder_add_boolean_value (b, resident->night_consent);
  json_builder_set_member_name (b, "night_consent_date");
  json_builder_add_string_value (b, consent_date);
  json_builder_set_member_name (b, "threshold_hours");
  json_builder_add_int_value (b, threshold);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "active");
  if (planner_id != NULL)
    {
      json_builder_set_member_name (b, "planner_id");
      json_builder_add_string_value (b, planner_id);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
plug_payload (const char *serial,
              const char *household_id,
              const char *appliance,
              gint64      installed)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *at = format_time (installed);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "serial");
  json_builder_add_string_value (b, serial);
  json_builder_set_member_name (b, "household_id");
  json_builder_add_string_value (b, household_id);
  json_builder_set_member_name (b, "appliance");
  json_builder_add_string_value (b, appliance);
  json_builder_set_member_name (b, "installed_at");
  json_builder_add_string_value (b, at);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
absence_payload (const char        *household_id,
                 const AnbuSimAway *away)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *from = format_time (away->window.from);
  g_autofree char *to = format_time (away->window.to);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "household_id");
  json_builder_add_string_value (b, household_id);
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, from);
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, to);
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, away->kind == ANBU_SIM_AWAY_HOSPITAL ? "hospital" : "travel");
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

int
anbu_plugsim_seed_main (int    argc,
                        char **argv)
{
  g_autofree char *server = NULL;
  /* NULL until parsed: GOption overwrites a default without freeing it. */
  g_autofree char *admin = NULL;
  g_autofree char *admin_password_file = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *state_file = NULL;
  g_autofree char *now_text = NULL;
  gint households = 120, n_dongs = 4;
  gint64 seed = 20261125;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("Server URL (http://HOST:PORT)"), "URL" },
    { "admin", 0, 0, G_OPTION_ARG_STRING, &admin, N_("Administrator's user name (default admin)"), "NAME" },
    { "admin-password-file", 0, 0, G_OPTION_ARG_FILENAME, &admin_password_file,
      N_("File whose first line is the administrator's password"), "FILE" },
    { "households", 'n', 0, G_OPTION_ARG_INT, &households, N_("Number of households (default 120)"), "N" },
    { "dongs", 0, 0, G_OPTION_ARG_INT, &n_dongs, N_("Number of 동 (1 to 12, default 4)"), "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, N_("Random seed"), "SEED" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Password for the new planners and control user (default: generated)"), "FILE" },
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &state_file,
      N_("Where to write the state that run reads (default plugsim-state.json)"), "FILE" },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text, N_("Pretend it is this time (ISO 8601)"), "TIME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuPlugsimClient) client = NULL;
  g_autofree char *admin_password = NULL;
  g_autofree char *password = NULL;
  g_autofree char *token = NULL;
  g_autofree char *gateway_token = NULL;
  g_autofree char *control_id = NULL;
  g_autoptr(GPtrArray) planner_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) state = json_builder_new ();
  g_autoptr(JsonNode) state_root = NULL;
  g_autofree char *state_text = NULL;
  g_autoptr(GArray) per_dong = NULL;
  const AnbuSimDong *dongs;
  guint dong_total;
  gint64 now, sim_start;

  context = g_option_context_new (_("— create a simulated district on a server"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (admin == NULL)
    admin = g_strdup ("admin");
  if (state_file == NULL)
    state_file = g_strdup ("plugsim-state.json");
  dongs = anbu_sim_district_get_dongs (&dong_total);
  if (server == NULL || admin_password_file == NULL)
    {
      g_printerr ("%s", _("seed needs --server URL and --admin-password-file FILE\n"));
      return 2;
    }
  if (households < 1 || households > 100000 || n_dongs < 1 || n_dongs > (gint) dong_total || seed < 0)
    {
      g_printerr (_("Households must be 1 to 100000, 동 1 to %u, the seed not negative\n"), dong_total);
      return 2;
    }
  if (now_text != NULL)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (now_text, NULL);

      if (dt == NULL)
        {
          g_printerr ("%s", _("--now is an ISO 8601 time with an offset\n"));
          return 2;
        }
      now = g_date_time_to_unix (dt);
    }
  else
    now = anbu_clock_now_seconds ();
  sim_start = anbu_plugsim_sim_start_for (now);

  admin_password = anbu_plugsim_read_password (admin_password_file, &error);
  password = password_file != NULL ? anbu_plugsim_read_password (password_file, &error)
                                   : make_password ();
  if (admin_password == NULL || password == NULL)
    {
      g_printerr (_("Cannot read a password: %s\n"), error->message);
      return 1;
    }

  client = anbu_plugsim_client_new (server);
  token = anbu_plugsim_client_sign_in (client, admin, admin_password, &error);
  if (token == NULL)
    {
      g_printerr (_("Cannot sign in as %s: %s\n"), admin, error->message);
      return 1;
    }

  /* The gateway the plugs report through. */
  {
    g_autofree char *body = g_strdup_printf ("{\"name\": \"plugsim-%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "\"}",
                                             seed, anbu_clock_now_usec ());
    g_autoptr(JsonNode) answer = anbu_plugsim_client_request (client, "POST", "/api/v1/admin/gateways",
                                                              token, body, &error);

    if (answer == NULL)
      {
        g_printerr (_("Cannot create a gateway: %s\n"), error->message);
        return 1;
      }
    gateway_token = g_strdup (json_object_get_string_member (json_node_get_object (answer), "token"));
  }

  /* A planner per 동 and the control centre. */
  for (gint d = 0; d < n_dongs; d++)
    {
      g_autofree char *display = g_strdup_printf ("%s 복지플래너", dongs[d].name);
      char *id = add_user (client, token, dongs[d].username, display, "planner", dongs[d].code,
                           password, &error);

      if (id == NULL)
        {
          g_printerr (_("Cannot create the planner of %s: %s\n"), dongs[d].name, error->message);
          return 1;
        }
      g_ptr_array_add (planner_ids, id);
    }
  control_id = add_user (client, token, "control", ANBU_SIM_DISTRICT_NAME " 관제센터", "control",
                         NULL, password, &error);
  if (control_id == NULL)
    {
      g_printerr (_("Cannot create the control-centre user: %s\n"), error->message);
      return 1;
    }

  json_builder_begin_object (state);
  json_builder_set_member_name (state, "server");
  json_builder_add_string_value (state, server);
  json_builder_set_member_name (state, "gateway_token");
  json_builder_add_string_value (state, gateway_token);
  json_builder_set_member_name (state, "seed");
  json_builder_add_int_value (state, seed);
  json_builder_set_member_name (state, "sim_start");
  json_builder_add_int_value (state, sim_start);
  json_builder_set_member_name (state, "households");
  json_builder_begin_array (state);

  per_dong = g_array_new (FALSE, TRUE, sizeof (guint));
  g_array_set_size (per_dong, n_dongs);
  for (gint first = 0; first < households; first += HOUSEHOLDS_PER_BATCH)
    {
      g_autoptr(JsonBuilder) batch = json_builder_new ();

      json_builder_begin_object (batch);
      json_builder_set_member_name (batch, "mutations");
      json_builder_begin_array (batch);
      for (gint i = first; i < MIN (households, first + HOUSEHOLDS_PER_BATCH); i++)
        {
          AnbuSimResident resident = { 0 };
          AnbuSimConfig config;
          g_autoptr(AnbuSimHousehold) sim = NULL;
          g_autofree char *id = g_uuid_string_random ();
          g_autofree char *serial = g_strdup_printf ("JN-%05u-%05d", (guint) (seed % 100000), i);
          gboolean stopper = anbu_plugsim_is_stopper ((guint) i);
          /* The plug went in when its simulated history begins: a household's
           * readings count only from its plug's installation. */
          gint64 installed = sim_start;
          const AnbuSimAway *aways;
          gsize n_aways;

          anbu_plugsim_sim_config ((guint64) seed, sim_start, stopper, &config);
          sim = anbu_sim_household_new (&config, (guint) i);
          anbu_sim_resident_init (&resident, (guint64) seed, (guint) i, (guint) n_dongs);
          g_array_index (per_dong, guint, resident.dong)++;
          /* A stopper's onset falls one to two days before the seed day: at
           * 24 hours its risk signal is open whenever the demo starts, at
           * any hour (at up to 50 it was not in the morning). */
          add_mutation (batch, "household.create",
                        household_payload (id, &dongs[resident.dong], &resident,
                                           stopper ? 24 : anbu_sim_household_get_threshold_hours (sim),
                                           g_ptr_array_index (planner_ids, resident.dong), installed));
          add_mutation (batch, "plug.install",
                        plug_payload (serial, id,
                                      appliance_wire_name (anbu_sim_household_get_appliance (sim)),
                                      installed));
          /* Residents who told the centre they would be away. */
          aways = anbu_sim_household_get_aways (sim, &n_aways);
          for (gsize a = 0; a < n_aways; a++)
            if (aways[a].registered && aways[a].kind != ANBU_SIM_AWAY_DAY_OUT)
              add_mutation (batch, "absence.create", absence_payload (id, &aways[a]));

          json_builder_begin_object (state);
          json_builder_set_member_name (state, "id");
          json_builder_add_string_value (state, id);
          json_builder_set_member_name (state, "serial");
          json_builder_add_string_value (state, serial);
          json_builder_set_member_name (state, "index");
          json_builder_add_int_value (state, i);
          json_builder_set_member_name (state, "stopper");
          json_builder_add_boolean_value (state, stopper);
          json_builder_end_object (state);
          anbu_sim_resident_clear (&resident);
        }
      if (!push_batch (client, token, batch, &error))
        {
          g_printerr (_("Cannot create households: %s\n"), error->message);
          return 1;
        }
    }
  json_builder_end_array (state);
  json_builder_end_object (state);
  state_root = json_builder_get_root (state);
  state_text = json_to_string (state_root, TRUE);
  if (!g_file_set_contents_full (state_file, state_text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &error))
    {
      g_printerr (_("Cannot write the state file: %s\n"), error->message);
      return 1;
    }

  g_print (_("Created %d households in %d 동 of %s on %s.\n"), households, n_dongs,
           ANBU_SIM_DISTRICT_NAME, server);
  g_print (_("Sign in with password %s as:\n"), password);
  for (gint d = 0; d < n_dongs; d++)
    g_print ("  %-16s %s (%s), %u\n", dongs[d].username, dongs[d].name, dongs[d].code,
             g_array_index (per_dong, guint, d));
  g_print ("  %-16s %s\n", "control", _("control centre (households with night/holiday consent)"));
  g_print (_("State for anbu-plugsim run: %s\n"), state_file);
  return 0;
}
