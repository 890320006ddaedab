/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-holiday-calendar.h"

G_BEGIN_DECLS

/* Business hours in Korea Standard Time on days that are neither weekend
 * days nor holidays: 09:00 belongs to them, 18:00 no longer does. */
#define ANBU_BUSINESS_HOURS_START 9
#define ANBU_BUSINESS_HOURS_END   18

#define ANBU_ROUTING_ERROR (anbu_routing_error_quark ())

typedef enum
{
  ANBU_ROUTING_ERROR_UNKNOWN_RESPONDER,  /* not "dong" or "control" */
} AnbuRoutingError;

/* Who answers a risk signal (alert.responder on the wire). */
typedef enum
{
  ANBU_RESPONDER_DONG,     /* 동주민센터: the household's community centre */
  ANBU_RESPONDER_CONTROL,  /* 관제센터: the city control centre */
} AnbuResponder;

/* The answer for one moment and one household. */
typedef struct
{
  AnbuResponder  responder;       /* who is responsible now (DONG while waiting) */
  gboolean       business_hours;  /* the moment is within business hours */
  gboolean       waits;           /* no night/holiday consent, outside business hours:
                                   * the signal is held, flagged, for the centre */
  GDateTime     *next_change;     /* when the decision next changes (responder or
                                   * waiting); %NULL only if no business day follows
                                   * within ten years */
} AnbuRoutingDecision;

#define ANBU_TYPE_ROUTING_DECISION (anbu_routing_decision_get_type ())

GType                anbu_routing_decision_get_type    (void) G_GNUC_CONST;
AnbuRoutingDecision *anbu_routing_decision_copy        (const AnbuRoutingDecision *decision);
void                 anbu_routing_decision_free        (AnbuRoutingDecision       *decision);
char                *anbu_routing_decision_describe    (const AnbuRoutingDecision *decision);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuRoutingDecision, anbu_routing_decision_free)

GQuark               anbu_routing_error_quark          (void);

const char          *anbu_responder_to_string          (AnbuResponder        responder);
gboolean             anbu_responder_from_string        (const char          *text,
                                                        AnbuResponder       *responder,
                                                        GError             **error);
const char          *anbu_responder_get_label          (AnbuResponder        responder);

gboolean             anbu_routing_is_business_day      (AnbuHolidayCalendar *calendar,
                                                        const GDate         *date);
gboolean             anbu_routing_is_business_hours    (AnbuHolidayCalendar *calendar,
                                                        GDateTime           *moment);
GDateTime           *anbu_routing_next_business_start  (AnbuHolidayCalendar *calendar,
                                                        GDateTime           *moment);
AnbuRoutingDecision *anbu_routing_decide               (AnbuHolidayCalendar *calendar,
                                                        GDateTime           *moment,
                                                        gboolean             night_consent);

G_END_DECLS
