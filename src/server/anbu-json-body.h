/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "anbu-api-error.h"

G_BEGIN_DECLS

/* No single string in a request may be longer than this (bytes); record
 * fields have their own, smaller limits in src/core. */
#define ANBU_JSON_MAX_STRING_BYTES (32 * 1024)
/* Arrays and objects nest at most this deep. */
#define ANBU_JSON_MAX_DEPTH 32

/* Parses a request body that must be one JSON object (with
 * anbu_json_parse_object() from src/core). Refuses, naming the field where
 * there is one: an empty or oversized body, bytes that are not UTF-8 or
 * are NUL, malformed JSON, nesting deeper than ANBU_JSON_MAX_DEPTH, a
 * "\u0000" escape anywhere, and strings longer than
 * ANBU_JSON_MAX_STRING_BYTES. */
JsonNode   *anbu_json_body_parse           (SoupMessageBody  *body,
                                            gsize             max_body,
                                            GError          **error);

JsonNode   *anbu_json_parse_text           (const char       *data,
                                            gsize             length,
                                            GError          **error);

/* A required string member of the object `root`, at most `max_bytes`. */
const char *anbu_json_body_require_string  (JsonNode         *root,
                                            const char       *member,
                                            gsize             max_bytes,
                                            GError          **error);

/* Answers `msg` with `status` and the JSON text `json`, taking it. */
void        anbu_json_respond              (SoupServerMessage *msg,
                                            guint              status,
                                            char              *json);

/* Answers `msg` with the wire form of `error` (anbu_api_problem_from_error());
 * a status of 500 or more is also logged as a warning. */
void        anbu_json_respond_error        (SoupServerMessage *msg,
                                            const GError      *error);

/* Answers `msg` with an ANBU_API_ERROR of `code` naming `field`. */
void        anbu_json_respond_api_error    (SoupServerMessage *msg,
                                            AnbuApiErrorCode   code,
                                            const char        *field,
                                            const char        *reason);

G_END_DECLS
