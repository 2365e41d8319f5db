/* MemoDB ⇄ IPM.StickyNote: see conduit-records.h. */
#include "config.h"

#include <string.h>

#include "conduit/conduit-records.h"

static gboolean
memo_to_item (const guint8 *data, gsize len, PststoreItem *item, GError **error)
{
	g_autofree char *text = hotsync_memo_decode (data, len, error);

	if (text == NULL)
		return FALSE;
	g_free (item->subject);
	item->subject = hotsync_memo_title (text);
	g_free (item->body);
	item->body = g_steal_pointer (&text);
	return TRUE;
}

static GBytes *
memo_from_item (const PststoreItem *item, GError **error)
{
	/* A note made on the desktop may have only a subject. */
	const char *text = item->body != NULL && item->body[0] != '\0' ? item->body : item->subject;

	return hotsync_memo_encode (text != NULL ? text : "", error);
}

static GBytes *
memo_app_info_with (GBytes *old, const HotsyncCategories *cats, GError **error)
{
	g_autoptr (HotsyncMemoAppInfo) info = NULL;

	if (old != NULL)
		info = hotsync_memo_app_info_decode (g_bytes_get_data (old, NULL), g_bytes_get_size (old), NULL);
	if (info == NULL)
		info = g_new0 (HotsyncMemoAppInfo, 1);
	hotsync_categories_clear (&info->categories);
	info->categories.renamed = cats->renamed;
	for (guint i = 0; i < HOTSYNC_CATEGORY_COUNT; i++)
		info->categories.names[i] = g_strdup (cats->names[i] != NULL ? cats->names[i] : "");
	memcpy (info->categories.ids, cats->ids, sizeof cats->ids);
	info->categories.last_unique_id = cats->last_unique_id;
	return hotsync_memo_app_info_encode (info, error);
}

char *
conduit_item_title (const PststoreItem *item)
{
	if (item->subject != NULL && item->subject[0] != '\0')
		return g_strdup (item->subject);
	if (item->body != NULL)
		return hotsync_memo_title (item->body);
	return g_strdup ("");
}

const ConduitDbKind conduit_memo_kind = {
	"MemoDB", "memo", PSTSTORE_KIND_NOTE, "IPM.StickyNote",
	memo_to_item, memo_from_item, memo_app_info_with,
};
