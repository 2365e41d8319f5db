/* eas-task.h — the task item model ([MS-ASTASK] 2.2.2): ApplicationData ⇄
 * EasTask per protocol version ⇄ iCalendar VTODO.
 *
 * Pure: no I/O.  Errors: EAS_PIM_ERROR (eas/eas-pim.h).
 *
 * Dates: StartDate/DueDate are the user's local dates written as if UTC
 * ("…T00:00:00.000Z"), UtcStartDate/UtcDueDate the real instants.  In the
 * VTODO, DTSTART/DUE carry the UTC instant (or, without one, the local
 * value as a floating time); the local value rides along in
 * X-EAS-START-DATE / X-EAS-DUE-DATE so that nothing is lost.
 */
#pragma once

#include <glib.h>
#include <libical/ical.h>

#include "eas/eas-calendar.h"
#include "eas/eas-pim.h"

G_BEGIN_DECLS

/* Times are Unix seconds (0 = absent); ints −1 = absent. */
typedef struct {
	char *subject;
	char *body;
	guint body_type;
	gint64 start_date;
	gint64 utc_start_date;
	gint64 due_date;
	gint64 utc_due_date;
	int complete;
	gint64 date_completed;
	int importance;		/* 0 low, 1 normal, 2 high */
	int sensitivity;	/* 0 normal, 1 personal, 2 private, 3 confidential */
	int reminder_set;
	gint64 reminder_time;
	GPtrArray *categories;	/* of char*; NULL = absent */
	EasRecurrence *recurrence;	/* with start, regenerate, dead_occur */
} EasTask;

EasTask *eas_task_new (void);
void eas_task_free (EasTask *task);

/* Decodes ApplicationData children.  Errors: bad values; Complete 1
 * without DateCompleted ([MS-ASTASK] 2.2.2.9); a Recurrence without Start
 * or impossible rules (EAS_PIM_ERROR_RECURRENCE); limits of eas-pim.h. */
EasTask *eas_task_decode (const EasNode *app_data, EasVersion version, GError **error);
void eas_task_encode (EasWbxmlWriter *writer, const EasTask *task, EasVersion version);

/* A VCALENDAR with one VTODO; free with icalcomponent_free(). */
icalcomponent *eas_task_to_ical (const EasTask *task);
/* From a VCALENDAR (its first VTODO) or a VTODO. */
EasTask *eas_task_from_ical (icalcomponent *comp, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasTask, eas_task_free)

G_END_DECLS
