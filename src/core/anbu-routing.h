/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-enums.h"
#include "anbu-holiday-calendar.h"

G_BEGIN_DECLS

/* Business hours in Korea Standard Time on days that are neither weekend
 * days nor holidays: 09:00 belongs to them, 18:00 no longer does. */
#define ANBU_BUSINESS_HOURS_START 9
#define ANBU_BUSINESS_HOURS_END   18

/* The answer for one moment and one household. */
typedef struct
{
  AnbuAlertResponder  responder;       /* who is responsible now (DONG while waiting) */
  gboolean            business_hours;  /* the moment is within business hours */
  gboolean            waits;           /* no night/holiday consent, outside business
                                        * hours: the signal is held, flagged, for the
                                        * community centre */
  GDateTime          *next_change;     /* when the decision next changes (responder or
                                        * waiting); %NULL only if no business day
                                        * follows within ten years */
} AnbuRoutingDecision;

#define ANBU_TYPE_ROUTING_DECISION (anbu_routing_decision_get_type ())

GType                anbu_routing_decision_get_type    (void) G_GNUC_CONST;
AnbuRoutingDecision *anbu_routing_decision_copy        (const AnbuRoutingDecision *decision);
void                 anbu_routing_decision_free        (AnbuRoutingDecision       *decision);
char                *anbu_routing_decision_describe    (const AnbuRoutingDecision *decision);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuRoutingDecision, anbu_routing_decision_free)

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
