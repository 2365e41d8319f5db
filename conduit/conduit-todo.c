/* ToDoDB ⇄ IPM.Task: see conduit-records.h. */
#include "config.h"

#include <string.h>

#include "conduit/conduit-records.h"

#define PRIORITY_KEY "palm-priority="

static gint
importance_of (guint8 priority)
{
	/* Palm 1 is the most urgent; Outlook has three levels. */
	if (priority <= 1)
		return 2;
	return priority <= 3 ? 1 : 0;
}

static guint8
priority_of (const PststoreItem *item)
{
	guint64 p;

	if (item->data != NULL && g_str_has_prefix (item->data, PRIORITY_KEY) &&
	    g_ascii_string_to_unsigned (item->data + strlen (PRIORITY_KEY), 10, 1, 5, &p, NULL) &&
	    importance_of ((guint8) p) == item->importance)
		return (guint8) p;
	/* Changed on the desktop (or never on a handheld): from the importance. */
	return item->importance >= 2 ? 1 : item->importance == 1 ? 3 : 5;
}

static gboolean
todo_to_item (const guint8 *data, gsize len, PststoreItem *item, GError **error)
{
	g_autoptr (HotsyncTodo) todo = hotsync_todo_decode (data, len, error);

	if (todo == NULL)
		return FALSE;
	g_free (item->subject);
	item->subject = g_strdup (todo->description);
	g_free (item->body);
	item->body = todo->note[0] != '\0' ? g_strdup (todo->note) : NULL;
	item->task_due = PSTSTORE_TIME_UNSET;
	if (todo->has_due) {
		g_autoptr (GDateTime) dt = g_date_time_new_utc (todo->due_year, todo->due_month, todo->due_day, 0, 0, 0);

		if (dt != NULL)
			item->task_due = g_date_time_to_unix (dt);
	}
	item->importance = importance_of (todo->priority);
	g_free (item->data);
	item->data = g_strdup_printf (PRIORITY_KEY "%u", todo->priority);
	if (item->task_complete != todo->completed) {
		item->task_complete = todo->completed;
		item->task_status = todo->completed ? PSTSTORE_TASK_COMPLETE : PSTSTORE_TASK_NOT_STARTED;
		item->task_percent = todo->completed ? 1.0 : 0.0;
	}
	return TRUE;
}

static GBytes *
todo_from_item (const PststoreItem *item, GError **error)
{
	HotsyncTodo todo = { 0 };

	todo.description = item->subject != NULL ? item->subject : (char *) "";
	todo.note = item->body != NULL ? item->body : (char *) "";
	todo.priority = priority_of (item);
	todo.completed = item->task_complete;
	if (item->task_due != PSTSTORE_TIME_UNSET) {
		g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (item->task_due);

		/* ToDoDB holds 1904–2031; a date outside is dropped, not an error. */
		if (dt != NULL && g_date_time_get_year (dt) >= 1904 && g_date_time_get_year (dt) <= 2031) {
			todo.has_due = TRUE;
			todo.due_year = (guint16) g_date_time_get_year (dt);
			todo.due_month = (guint8) g_date_time_get_month (dt);
			todo.due_day = (guint8) g_date_time_get_day_of_month (dt);
		}
	}
	return hotsync_todo_encode (&todo, error);
}

static GBytes *
todo_app_info_with (GBytes *old, const HotsyncCategories *cats, GError **error)
{
	g_autoptr (HotsyncTodoAppInfo) info = NULL;

	if (old != NULL)
		info = hotsync_todo_app_info_decode (g_bytes_get_data (old, NULL), g_bytes_get_size (old), NULL);
	if (info == NULL)
		info = g_new0 (HotsyncTodoAppInfo, 1);
	hotsync_categories_clear (&info->categories);
	info->categories.renamed = cats->renamed;
	for (guint i = 0; i < HOTSYNC_CATEGORY_COUNT; i++)
		info->categories.names[i] = g_strdup (cats->names[i] != NULL ? cats->names[i] : "");
	memcpy (info->categories.ids, cats->ids, sizeof cats->ids);
	info->categories.last_unique_id = cats->last_unique_id;
	return hotsync_todo_app_info_encode (info, error);
}

const ConduitDbKind conduit_todo_kind = {
	"ToDoDB", "todo", PSTSTORE_KIND_TASK, "IPM.Task",
	todo_to_item, todo_from_item, todo_app_info_with,
};
