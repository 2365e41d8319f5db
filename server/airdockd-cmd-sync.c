/* airdockd-cmd-sync.c — the Sync command for mail folders ([MS-ASCMD] 2.2.1.21).
 *
 * Per (device, collection) the store keeps: the current key, the previous
 * key with the <Collection> we answered for it (a repeated key gets those
 * bytes again), the Options (a Sync without Options reuses them), and the
 * item counter the device has seen.  With a FilterType the device item set
 * records what the device holds (value: DateReceived) so that items ageing
 * out of the window go as SoftDelete.
 *
 * Each collection's answer is built as its own small WBXML document whose
 * root is <Collection>; the response splices them into
 * <Sync><Collections>…</Collections></Sync>.  Client changes, the new state
 * and the device item set of one collection are one store transaction: a
 * crash leaves either all of them or none.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gmime/gmime.h>

#include "eas/eas-sync.h"
#include "eas/eas-synckey.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-email.h"
#include "server/airdockd-pim.h"
#include "server/airdockd-push.h"

/* Bytes of mail one Sync response may carry (see trim_to_budget()). */
#define SYNC_RESPONSE_BUDGET (8u * 1024 * 1024)

typedef struct {
	AirdockdRequest *req;
	EasSyncCollection *col;
	AirdockdFolder *folder;
	AirdockdSyncState *state;	/* NULL: none stored */
	EasSyncOptions opts;
	guint window;
	gint64 cutoff;			/* FilterType: oldest DateReceived kept; 0 = all */
	GHashTable *device_items;	/* server id → date (only with a FilterType) */
	GHashTable *touched;		/* server ids the client changed in this request */
	GPtrArray *responses;		/* ClientResponse* */
	EasWbxmlWriter *w;
	gboolean commands_open;
} CollectionCtx;

typedef struct {
	EasSyncCommandType type;
	char *client_id;
	char *server_id;
	EasSyncStatus status;
} ClientResponse;

static void
client_response_free (ClientResponse *r)
{
	g_free (r->client_id);
	g_free (r->server_id);
	g_free (r);
}

static void
log_sync (AirdockdRequest *req, GLogLevelFlags level, const char *what, const GError *error)
{
	g_log_structured (G_LOG_DOMAIN, level,
	                  "EAS_USER", req->user_name,
	                  "EAS_DEVICE_ID", req->query->device_id,
	                  "EAS_CMD", "Sync",
	                  "MESSAGE", "Sync: %s: %s", what, error ? error->message : "");
}

/* ---- fragments --------------------------------------------------------- */

/* A <Collection> carrying only a status (and SyncKey "0" for Status 3,
 * which sends the client back to the start). */
static GBytes *
status_fragment (AirdockdRequest *req, const EasSyncCollection *col, EasSyncStatus status)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_sync_write_collection_begin (w, req->version, col->class_name,
	                                 status == EAS_SYNC_STATUS_INVALID_SYNC_KEY ? "0" : NULL,
	                                 col->collection_id, status);
	eas_sync_write_collection_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

/* The code page a fragment of ours ends in: walks its tokens (we write only
 * SWITCH_PAGE, END, STR_I, OPAQUE and tags).  -1 if the bytes are not such
 * a document (then the caller switches back to page 0 regardless). */
static int
final_page (const guint8 *data, gsize len)
{
	gsize off = 4;
	int page = 0;

	while (off < len) {
		guint8 t = data[off++];

		if (t == 0x00) {
			if (off >= len)
				return -1;
			page = data[off++];
		} else if (t == 0x03) {
			const guint8 *nul = memchr (data + off, 0, len - off);

			if (nul == NULL)
				return -1;
			off = (gsize) (nul - data) + 1;
		} else if (t == 0xC3) {
			guint64 n = 0;
			guint8 b;

			do {
				if (off >= len || n > (G_MAXUINT32 >> 7))
					return -1;
				b = data[off++];
				n = (n << 7) | (b & 0x7F);
			} while (b & 0x80);
			g_assert (off <= len);
			if (n > len - off)
				return -1;
			off += (gsize) n;
		} else if (t != 0x01 && ((t & 0x3F) < 0x05 || (t & 0x80) != 0)) {
			return -1;
		}
	}
	return page;
}

/* <Sync><Collections> fragments </Collections></Sync>.  Each fragment is a
 * whole document (header 03 01 6A 00, starting in code page 0); where the
 * previous one ended in another page, a SWITCH_PAGE 0 goes between. */
static GBytes *
splice (GPtrArray *fragments)
{
	static const guint8 head[] = { 0x03, 0x01, 0x6A, 0x00, 0x45, 0x5C };
	static const guint8 page0[] = { 0x00, 0x00 };
	static const guint8 tail[] = { 0x01, 0x01 };
	GByteArray *out = g_byte_array_new ();
	int page = 0;

	g_byte_array_append (out, head, sizeof head);
	for (guint i = 0; i < fragments->len; i++) {
		gsize len = 0;
		const guint8 *data = g_bytes_get_data (g_ptr_array_index (fragments, i), &len);

		g_assert (len >= 4);
		if (page != 0)
			g_byte_array_append (out, page0, sizeof page0);
		g_byte_array_append (out, data + 4, (guint) (len - 4));
		page = final_page (data, len);
	}
	g_byte_array_append (out, tail, sizeof tail);
	return g_byte_array_free_to_bytes (out);
}

static void
open_commands (CollectionCtx *ctx)
{
	if (!ctx->commands_open) {
		eas_sync_write_commands_begin (ctx->w);
		ctx->commands_open = TRUE;
	}
}

/* ---- client commands ---------------------------------------------------- */

static void
add_response (CollectionCtx *ctx, const EasSyncCommand *cmd, EasSyncStatus status)
{
	ClientResponse *r = g_new0 (ClientResponse, 1);

	r->type = cmd->type;
	r->client_id = g_strdup (cmd->client_id);
	r->server_id = cmd->type == EAS_SYNC_CMD_ADD ? NULL : g_strdup (cmd->server_id);
	r->status = status;
	g_ptr_array_add (ctx->responses, r);
}

/* The item, if it is a live mail item of this collection. */
static AirdockdItem *
collection_item (CollectionCtx *ctx, const char *server_id, GError **error)
{
	AirdockdItem *item = airdockd_store_item_get (ctx->req->store, ctx->req->user_id, server_id, error);

	if (item != NULL && (g_strcmp0 (item->folder_id, ctx->folder->server_id) != 0 ||
	                     item->item_class != AIRDOCKD_ITEM_EMAIL)) {
		airdockd_item_free (item);
		g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND, "not in this collection");
		return NULL;
	}
	return item;
}

static gboolean
apply_change (CollectionCtx *ctx, const EasSyncCommand *cmd, const AirdockdItem *item, GError **error)
{
	AirdockdStore *store = ctx->req->store;

	/* [MS-ASCMD] 2.2.3.34 Conflict: with "server wins" a client change to
	 * an item the server changed since the device last saw it is refused
	 * with Status 7 and the server's version goes out. */
	if (ctx->opts.conflict == 1 && item->modseq > ctx->state->last_modseq &&
	    !g_hash_table_contains (ctx->touched, cmd->server_id)) {
		add_response (ctx, cmd, EAS_SYNC_STATUS_CONFLICT);
		return TRUE;
	}
	if (cmd->has_read && !airdockd_store_item_set_read (store, ctx->req->user_id, cmd->server_id,
	                                                    cmd->read, error))
		return FALSE;
	if (cmd->has_flag) {
		AirdockdItemFlag flag = item->flag;

		flag.status = (AirdockdFlagStatus) cmd->flag_status;
		flag.flag_type = cmd->flag_status == EAS_FLAG_STATUS_CLEARED ? NULL : cmd->flag_type;
		if (cmd->flag_status == EAS_FLAG_STATUS_COMPLETE && flag.complete_time == 0)
			flag.complete_time = g_get_real_time () / G_USEC_PER_SEC;
		if (!airdockd_store_item_set_flag (store, ctx->req->user_id, cmd->server_id, &flag, error))
			return FALSE;
	}
	g_hash_table_add (ctx->touched, g_strdup (cmd->server_id));
	return TRUE;
}

/* [MS-ASCMD] 2.2.3.43 DeletesAsMoves: absent or 1 = into Deleted Items. */
static gboolean
apply_delete (CollectionCtx *ctx, const EasSyncCommand *cmd, GError **error)
{
	AirdockdRequest *req = ctx->req;
	g_autoptr (AirdockdFolder) trash = NULL;

	if (ctx->col->deletes_as_moves && ctx->folder->type != AIRDOCKD_FOLDER_DELETED) {
		trash = airdockd_store_folder_get_by_type (req->store, req->user_id, AIRDOCKD_FOLDER_DELETED, error);
		if (trash == NULL)
			return FALSE;
		g_autofree char *moved = airdockd_store_item_move (req->store, req->user_id, cmd->server_id,
		                                                   trash->server_id, error);
		if (moved == NULL)
			return FALSE;
	} else if (!airdockd_store_item_delete (req->store, req->user_id, cmd->server_id, error)) {
		return FALSE;
	}
	g_hash_table_add (ctx->touched, g_strdup (cmd->server_id));
	if (ctx->device_items != NULL) {
		g_hash_table_remove (ctx->device_items, cmd->server_id);
		if (!airdockd_store_device_items_remove (req->store, req->user_id, req->device_id,
		                                         ctx->col->collection_id, cmd->server_id, error))
			return FALSE;
	}
	return TRUE;
}

/* The draft as an RFC 5322 message from the user.  (GMime 3.2 has no
 * autoptr cleanups: references are dropped by hand.) */
static gsize gmime_ready;

static void
ensure_gmime (void)
{
	if (g_once_init_enter (&gmime_ready)) {
		/* GMime counts its initialisations: harmless if already done. */
		g_mime_init ();
		g_once_init_leave (&gmime_ready, 1);
	}
}

static char *
compose_draft (CollectionCtx *ctx, const EasSyncCommand *cmd)
{
	static const char *const importance[] = { "low", "normal", "high" };
	GMimeMessage *msg = g_mime_message_new (TRUE);
	GMimeTextPart *part;
	g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
	struct { GMimeAddressType type; const char *value; } rcpt[] = {
		{ GMIME_ADDRESS_TYPE_TO, cmd->to },
		{ GMIME_ADDRESS_TYPE_CC, cmd->cc },
		{ GMIME_ADDRESS_TYPE_BCC, cmd->bcc },
	};
	char *text;

	g_mime_message_add_mailbox (msg, GMIME_ADDRESS_TYPE_FROM, NULL, ctx->req->user_email);
	for (gsize i = 0; i < G_N_ELEMENTS (rcpt); i++) {
		InternetAddressList *list = rcpt[i].value ? internet_address_list_parse (NULL, rcpt[i].value) : NULL;

		if (list != NULL) {
			internet_address_list_append (g_mime_message_get_addresses (msg, rcpt[i].type), list);
			g_object_unref (list);
		}
	}
	if (cmd->subject != NULL)
		g_mime_message_set_subject (msg, cmd->subject, "utf-8");
	g_mime_message_set_date (msg, now);
	if (cmd->has_importance && cmd->importance != 1)
		g_mime_object_set_header (GMIME_OBJECT (msg), "Importance", importance[MIN (cmd->importance, 2u)], NULL);
	part = g_mime_text_part_new_with_subtype (cmd->body_type == EAS_BODY_TYPE_HTML ? "html" : "plain");
	g_mime_text_part_set_text (part, cmd->body ? cmd->body : "");
	g_mime_message_set_mime_part (msg, GMIME_OBJECT (part));
	g_object_unref (part);
	text = g_mime_object_to_string (GMIME_OBJECT (msg), NULL);
	g_object_unref (msg);
	return text;
}

static gboolean remember_item (CollectionCtx *ctx, const AirdockdItem *item, GError **error);

/* [MS-ASCMD] 2.2.3.7.2 Add: 16.0+ clients create drafts in the Drafts
 * folder.  Elsewhere (and before 16.0) mail cannot be added by Sync. */
static gboolean
apply_add (CollectionCtx *ctx, const EasSyncCommand *cmd, GError **error)
{
	AirdockdRequest *req = ctx->req;
	g_autofree char *path = NULL;
	g_autofree char *text = NULL;
	g_autoptr (GOutputStream) out = NULL;
	g_autoptr (AirdockdItem) item = NULL;
	ClientResponse *r;

	if (req->version < 160 || ctx->folder->type != AIRDOCKD_FOLDER_DRAFTS || !cmd->has_application_data) {
		add_response (ctx, cmd, EAS_SYNC_STATUS_CONVERSION_ERROR);
		return TRUE;
	}
	ensure_gmime ();
	text = compose_draft (ctx, cmd);
	out = airdockd_store_temp_file_new (req->store, &path, error);
	if (out == NULL)
		return FALSE;
	if (!g_output_stream_write_all (out, text, strlen (text), NULL, NULL, error) ||
	    !g_output_stream_close (out, NULL, error)) {
		g_unlink (path);
		return FALSE;
	}
	item = airdockd_store_add_message (req->store, req->user_id, ctx->folder->server_id, path, TRUE, error);
	g_unlink (path);
	if (item == NULL || !remember_item (ctx, item, error))
		return FALSE;
	g_hash_table_add (ctx->touched, g_strdup (item->server_id));
	add_response (ctx, cmd, EAS_SYNC_STATUS_OK);
	r = g_ptr_array_index (ctx->responses, ctx->responses->len - 1);
	r->server_id = g_strdup (item->server_id);
	return TRUE;
}

static gboolean
is_pim (CollectionCtx *ctx)
{
	return airdockd_pim_folder_class (ctx->folder->type) != AIRDOCKD_ITEM_EMAIL;
}

/* [MS-ASCMD] 2.2.3.34 Conflict, as for mail: with "server wins" (the
 * default) a Change of an item changed on the server since the device's
 * SyncKey is refused with Status 7 and the server's version goes out. */
static gboolean
pim_conflict (CollectionCtx *ctx, const EasSyncCommand *cmd)
{
	g_autoptr (AirdockdItem) item = NULL;

	if (cmd->type != EAS_SYNC_CMD_CHANGE || ctx->opts.conflict != 1 || ctx->state == NULL ||
	    g_hash_table_contains (ctx->touched, cmd->server_id))
		return FALSE;
	item = airdockd_store_item_get (ctx->req->store, ctx->req->user_id, cmd->server_id, NULL);
	return item != NULL && g_strcmp0 (item->folder_id, ctx->folder->server_id) == 0 &&
	       item->modseq > ctx->state->last_modseq;
}

/* Contacts, calendar, tasks, notes: airdockd-pim does the work. */
static gboolean
apply_pim_command (CollectionCtx *ctx, const EasSyncCommand *cmd, GError **error)
{
	g_autofree char *server_id = NULL;
	EasSyncStatus status = EAS_SYNC_STATUS_OK;
	ClientResponse *r;

	if (pim_conflict (ctx, cmd)) {
		add_response (ctx, cmd, EAS_SYNC_STATUS_CONFLICT);
		return TRUE;
	}
	if (!airdockd_pim_apply_command (ctx->req, ctx->folder, cmd, &status, &server_id, error))
		return FALSE;
	add_response (ctx, cmd, status);
	r = g_ptr_array_index (ctx->responses, ctx->responses->len - 1);
	if (server_id != NULL)
		r->server_id = g_strdup (server_id);
	if (status == EAS_SYNC_STATUS_OK && cmd->type != EAS_SYNC_CMD_FETCH)
		g_hash_table_add (ctx->touched, g_strdup (server_id ? server_id : cmd->server_id));
	return TRUE;
}

/* Applies one command.  FALSE only for a store failure (the caller rolls
 * back); a missing item is a per-command Status 8. */
static gboolean
apply_command (CollectionCtx *ctx, const EasSyncCommand *cmd, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (AirdockdItem) item = NULL;

	if (is_pim (ctx))
		return apply_pim_command (ctx, cmd, error);
	if (cmd->type == EAS_SYNC_CMD_ADD)
		return apply_add (ctx, cmd, error);
	item = collection_item (ctx, cmd->server_id, &local);
	if (item == NULL) {
		if (!g_error_matches (local, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND)) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		add_response (ctx, cmd, EAS_SYNC_STATUS_NOT_FOUND);
		return TRUE;
	}
	switch (cmd->type) {
	case EAS_SYNC_CMD_CHANGE:
		return apply_change (ctx, cmd, item, error);
	case EAS_SYNC_CMD_DELETE:
		return apply_delete (ctx, cmd, error);
	case EAS_SYNC_CMD_FETCH:
		add_response (ctx, cmd, EAS_SYNC_STATUS_OK);
		return TRUE;
	default:
		add_response (ctx, cmd, EAS_SYNC_STATUS_INVALID_COMMAND);
		return TRUE;
	}
}

/* ---- server changes ----------------------------------------------------- */

static gboolean
remember_item (CollectionCtx *ctx, const AirdockdItem *item, GError **error)
{
	AirdockdRequest *req = ctx->req;

	if (ctx->device_items == NULL)
		return TRUE;
	g_hash_table_insert (ctx->device_items, g_strdup (item->server_id), g_memdup2 (&item->date_received, sizeof (gint64)));
	return airdockd_store_device_items_set (req->store, req->user_id, req->device_id,
	                                        ctx->col->collection_id, item->server_id,
	                                        item->date_received, error);
}

static gboolean
forget_item (CollectionCtx *ctx, const char *server_id, GError **error)
{
	AirdockdRequest *req = ctx->req;

	if (ctx->device_items == NULL)
		return TRUE;
	g_hash_table_remove (ctx->device_items, server_id);
	return airdockd_store_device_items_remove (req->store, req->user_id, req->device_id,
	                                           ctx->col->collection_id, server_id, error);
}

static void
write_add (CollectionCtx *ctx, const AirdockdItem *item)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasEmailItem) email = airdockd_email_from_item (ctx->req->store, item, &ctx->opts.email, &error);

	if (email == NULL) {
		/* A message file we cannot read: send what the index knows rather
		 * than leave the device without the item. */
		log_sync (ctx->req, G_LOG_LEVEL_WARNING, "reading message", error);
		email = airdockd_email_from_item (ctx->req->store, item, NULL, NULL);
	}
	open_commands (ctx);
	eas_sync_write_add (ctx->w, item->server_id, email, &ctx->opts.email);
}

static gboolean
device_has (CollectionCtx *ctx, const char *server_id)
{
	return ctx->device_items == NULL || g_hash_table_contains (ctx->device_items, server_id);
}

static gboolean
in_window (CollectionCtx *ctx, const AirdockdItem *item)
{
	return ctx->cutoff == 0 || item->date_received >= ctx->cutoff;
}

/* A PIM item out to the device.  It is remembered with the end of its
 * last occurrence (events; never for other classes), so that an event
 * leaving a calendar window goes as a SoftDelete (write_soft_deletes). */
static gboolean
write_pim_change (CollectionCtx *ctx, const AirdockdItem *ch, GError **error)
{
	g_autoptr (GError) local = NULL;
	gboolean add = ch->change == AIRDOCKD_CHANGE_ADD || !device_has (ctx, ch->server_id);
	AirdockdItem kept = *ch;

	/* Out of the filter (FilterType 8, a completed task): SoftDelete if
	 * the device holds it, else nothing. */
	if (!airdockd_pim_item_in_filter (ch, ctx->opts.filter_type)) {
		if (ctx->device_items == NULL || !g_hash_table_contains (ctx->device_items, ch->server_id))
			return TRUE;
		open_commands (ctx);
		eas_sync_write_delete (ctx->w, ch->server_id, TRUE);
		return forget_item (ctx, ch->server_id, error);
	}
	open_commands (ctx);
	if (!airdockd_pim_write_item (ctx->w, add ? EAS_SYNC_CMD_ADD : EAS_SYNC_CMD_CHANGE, ch,
	                              ctx->req->version, &local)) {
		log_sync (ctx->req, G_LOG_LEVEL_WARNING, "encoding an item", local);
		return TRUE;
	}
	kept.date_received = airdockd_pim_item_end_time (ch);
	return add ? remember_item (ctx, &kept, error) : TRUE;
}

static gboolean
write_change (CollectionCtx *ctx, const AirdockdItem *ch, GError **error)
{
	if (ch->deleted || ch->change == AIRDOCKD_CHANGE_DELETE) {
		if (!device_has (ctx, ch->server_id))
			return TRUE;
		open_commands (ctx);
		eas_sync_write_delete (ctx->w, ch->server_id, FALSE);
		return forget_item (ctx, ch->server_id, error);
	}
	if (ch->item_class != AIRDOCKD_ITEM_EMAIL)
		return is_pim (ctx) ? write_pim_change (ctx, ch, error) : TRUE;
	if (ch->change == AIRDOCKD_CHANGE_ADD || !device_has (ctx, ch->server_id)) {
		if (!in_window (ctx, ch))
			return TRUE;
		write_add (ctx, ch);
		return remember_item (ctx, ch, error);
	}
	/* Mail content never changes: a change is read state or flag. */
	g_autoptr (EasEmailItem) email = airdockd_email_from_item (ctx->req->store, ch, NULL, error);
	if (email == NULL)
		return FALSE;
	open_commands (ctx);
	eas_sync_write_change_flags (ctx->w, ch->server_id, email, &ctx->opts.email);
	return TRUE;
}

/* [MS-ASCMD] 2.2.3.167 SoftDelete: items the device holds that fell out of
 * the FilterType window. */
static gboolean
write_soft_deletes (CollectionCtx *ctx, GError **error)
{
	g_autoptr (GPtrArray) aged = g_ptr_array_new_with_free_func (g_free);
	GHashTableIter iter;
	gpointer key, value;

	if (ctx->device_items == NULL || ctx->cutoff == 0)
		return TRUE;
	g_hash_table_iter_init (&iter, ctx->device_items);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		if (*(const gint64 *) value < ctx->cutoff)
			g_ptr_array_add (aged, g_strdup (key));
	}
	g_ptr_array_sort (aged, (GCompareFunc) g_strcmp0);
	for (guint i = 0; i < aged->len; i++) {
		const char *id = g_ptr_array_index (aged, i);

		open_commands (ctx);
		eas_sync_write_delete (ctx->w, id, TRUE);
		if (!forget_item (ctx, id, error))
			return FALSE;
	}
	return TRUE;
}

/* What one change may add to the response, from the index alone: the
 * body as far as the options let it through, plus the headers. */
static guint64
estimated_bytes (CollectionCtx *ctx, const AirdockdItem *ch)
{
	guint64 size = (guint64) MAX (ch->size, 0);
	gsize limit = eas_email_body_read_limit (&ctx->opts.email);

	if (ch->deleted || ch->change != AIRDOCKD_CHANGE_ADD)
		return 256;
	for (guint i = 0; i < ctx->opts.email.n_body_prefs; i++) {
		const EasBodyPreference *p = &ctx->opts.email.body_prefs[i];

		if (p->type == EAS_BODY_TYPE_MIME)
			limit = p->has_truncation_size ? MAX (limit, (gsize) p->truncation_size) : 0;
	}
	return 1024 + (limit > 0 ? MIN (size, (guint64) limit) : size);
}

/* A window of 512 whole messages could be gigabytes, and the response is
 * held in memory and stored for a repeat: stop at SYNC_RESPONSE_BUDGET bytes
 * (but always send one item, or a large one would never get through). */
static void
trim_to_budget (CollectionCtx *ctx, GPtrArray *changes, gboolean *out_more)
{
	guint64 total = 0;

	for (guint i = 0; i < changes->len; i++) {
		total += estimated_bytes (ctx, g_ptr_array_index (changes, i));
		if (total > SYNC_RESPONSE_BUDGET && i > 0) {
			g_ptr_array_set_size (changes, i);
			*out_more = TRUE;
			return;
		}
	}
}

/* Writes up to a window of server changes; *out_more and *out_modseq say
 * whether more remain and the counter the device has now seen. */
static GPtrArray *
collect_changes (CollectionCtx *ctx, gint64 *out_modseq, gboolean *out_more, GError **error)
{
	AirdockdRequest *req = ctx->req;
	gint64 since = ctx->state->last_modseq;
	gint64 counter = airdockd_store_item_modseq (req->store, req->user_id, error);
	GPtrArray *changes;

	if (counter < 0)
		return NULL;
	changes = airdockd_store_item_changes (req->store, req->user_id, ctx->folder->server_id,
	                                       since, ctx->window, out_more, error);
	if (changes == NULL)
		return NULL;
	trim_to_budget (ctx, changes, out_more);
	if (changes->len > 0) {
		const AirdockdItem *last = g_ptr_array_index (changes, changes->len - 1);

		*out_modseq = *out_more ? last->modseq : MAX (counter, last->modseq);
	} else {
		*out_modseq = *out_more ? since : MAX (counter, since);
	}
	return changes;
}

/* [MS-ASCMD] 2.2.3.24.3, 2.2.3.42.3: Change and Delete answer only when
 * they failed; Add always (it maps ClientId), Fetch always. */
static gboolean
is_answered (const ClientResponse *r)
{
	return r->type == EAS_SYNC_CMD_FETCH || r->type == EAS_SYNC_CMD_ADD || r->status != EAS_SYNC_STATUS_OK;
}

static void
write_responses (CollectionCtx *ctx)
{
	guint n_answered = 0;

	for (guint i = 0; i < ctx->responses->len; i++)
		n_answered += is_answered (g_ptr_array_index (ctx->responses, i));
	/* Only successful Changes and Deletes: no (empty) Responses. */
	if (n_answered == 0)
		return;
	eas_sync_write_responses_begin (ctx->w);
	for (guint i = 0; i < ctx->responses->len; i++) {
		const ClientResponse *r = g_ptr_array_index (ctx->responses, i);

		if (r->type == EAS_SYNC_CMD_FETCH && is_pim (ctx)) {
			airdockd_pim_write_fetch (ctx->w, ctx->req, ctx->folder->server_id, r->server_id, r->status);
			continue;
		}
		if (r->type == EAS_SYNC_CMD_FETCH) {
			g_autoptr (EasEmailItem) email = NULL;
			EasSyncStatus status = r->status;

			if (status == EAS_SYNC_STATUS_OK) {
				email = airdockd_email_load (ctx->req->store, ctx->req->user_id, r->server_id,
				                             &ctx->opts.email, NULL);
				if (email == NULL)
					status = EAS_SYNC_STATUS_NOT_FOUND;
			}
			eas_sync_write_fetch_response (ctx->w, r->server_id, status, email, &ctx->opts.email);
			continue;
		}
		if (!is_answered (r))
			continue;
		eas_sync_write_response (ctx->w, r->type, r->client_id, r->server_id, r->status);
	}
	eas_sync_write_section_end (ctx->w);
}

/* <Commands>: SoftDeletes, then the changes the client did not make itself. */
static gboolean
write_commands (CollectionCtx *ctx, GPtrArray *changes, GError **error)
{
	if (!write_soft_deletes (ctx, error))
		return FALSE;
	for (guint i = 0; i < changes->len; i++) {
		const AirdockdItem *ch = g_ptr_array_index (changes, i);

		if (g_hash_table_contains (ctx->touched, ch->server_id))
			continue;
		if (!write_change (ctx, ch, error))
			return FALSE;
	}
	if (ctx->commands_open)
		eas_sync_write_section_end (ctx->w);
	return TRUE;
}

/* ---- one collection ------------------------------------------------------ */

static char *
next_key (const char *current)
{
	EasSyncKey key = { { 0 }, 0 }, next;

	if (current != NULL)
		(void) eas_sync_key_parse (current, strlen (current), &key, NULL);
	eas_sync_key_next (&key, &next);
	return eas_sync_key_to_string (&next);
}

static gboolean
load_device_items (CollectionCtx *ctx, gboolean initial, GError **error)
{
	AirdockdRequest *req = ctx->req;

	if (initial && !airdockd_store_device_items_clear (req->store, req->user_id, req->device_id,
	                                                   ctx->col->collection_id, error))
		return FALSE;
	if (ctx->opts.filter_type == EAS_FILTER_ALL)
		return TRUE;
	ctx->device_items = airdockd_store_device_items_get (req->store, req->user_id, req->device_id,
	                                                     ctx->col->collection_id, error);
	return ctx->device_items != NULL;
}

/* The body of the transaction: commands, changes, the new state.  Returns
 * the fragment, or NULL + error (the caller rolls back). */
static GBytes *
sync_locked (CollectionCtx *ctx, gboolean initial, GError **error)
{
	AirdockdRequest *req = ctx->req;
	g_autofree char *key = next_key (initial ? NULL : ctx->state->sync_key);
	g_autoptr (GPtrArray) changes = NULL;
	g_autoptr (GBytes) fragment = NULL;
	g_autoptr (GBytes) options = NULL;
	gboolean more = FALSE;
	gint64 modseq = initial ? 0 : ctx->state->last_modseq;

	if (!load_device_items (ctx, initial, error))
		return NULL;
	if (initial && is_pim (ctx) && !airdockd_pim_remember_supported (req, ctx->folder, error))
		return NULL;
	for (guint i = 0; !initial && i < ctx->col->commands->len; i++) {
		if (!apply_command (ctx, g_ptr_array_index (ctx->col->commands, i), error))
			return NULL;
	}
	if (!initial && ctx->col->get_changes) {
		changes = collect_changes (ctx, &modseq, &more, error);
		if (changes == NULL)
			return NULL;
	}
	eas_sync_write_collection_begin (ctx->w, req->version, ctx->col->class_name, key,
	                                 ctx->col->collection_id, EAS_SYNC_STATUS_OK);
	if (more)
		eas_sync_write_more_available (ctx->w);
	if (!initial && ctx->col->get_changes && !write_commands (ctx, changes, error))
		return NULL;
	write_responses (ctx);
	eas_sync_write_collection_end (ctx->w);
	fragment = eas_wbxml_writer_finish (ctx->w, error);
	if (fragment == NULL)
		return NULL;
	options = eas_sync_options_serialize (&ctx->opts);
	AirdockdSyncState next = {
		.sync_key = key,
		.prev_key = initial ? NULL : ctx->state->sync_key,
		.prev_response = initial ? NULL : fragment,
		.options = options,
		.last_modseq = modseq,
	};
	if (!airdockd_store_sync_state_put (req->store, req->user_id, req->device_id,
	                                    ctx->col->collection_id, &next, error) ||
	    !airdockd_store_sync_state_touch (req->store, req->user_id, req->device_id,
	                                      ctx->col->collection_id, error))
		return NULL;
	return g_steal_pointer (&fragment);
}

/* Options from the request, else the stored ones, else defaults.  FALSE
 * when the request narrows an unfiltered collection to a FilterType: the
 * device item set was not kept while unfiltered, so the state restarts
 * (Status 3, the client syncs from key 0 with the new filter). */
static gboolean
resolve_options (CollectionCtx *ctx)
{
	EasSyncOptions stored;
	gboolean has_stored = ctx->state != NULL && ctx->state->options != NULL &&
	                      eas_sync_options_deserialize (ctx->state->options, ctx->req->version, &stored, NULL);

	if (ctx->col->has_options)
		ctx->opts = ctx->col->options;
	else if (has_stored)
		ctx->opts = stored;
	else
		eas_sync_options_init (&ctx->opts, ctx->req->version);
	ctx->opts.email.version = ctx->req->version;
	if (eas_filter_type_seconds (ctx->opts.filter_type) > 0)
		ctx->cutoff = g_get_real_time () / G_USEC_PER_SEC - eas_filter_type_seconds (ctx->opts.filter_type);
	return !(has_stored && stored.filter_type == EAS_FILTER_ALL && ctx->opts.filter_type != EAS_FILTER_ALL);
}

static GBytes *
sync_transaction (CollectionCtx *ctx, gboolean initial)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) fragment = NULL;

	if (!airdockd_store_begin (ctx->req->store, &error)) {
		log_sync (ctx->req, G_LOG_LEVEL_WARNING, "begin", error);
		return status_fragment (ctx->req, ctx->col, EAS_SYNC_STATUS_SERVER_ERROR);
	}
	fragment = sync_locked (ctx, initial, &error);
	if (fragment == NULL || !airdockd_store_commit (ctx->req->store, &error)) {
		airdockd_store_rollback (ctx->req->store);
		log_sync (ctx->req, G_LOG_LEVEL_WARNING, "collection", error);
		return status_fragment (ctx->req, ctx->col, EAS_SYNC_STATUS_SERVER_ERROR);
	}
	return g_steal_pointer (&fragment);
}

/* No such folder for this user.  One the device synced before is gone
 * from the hierarchy: Status 12 sends it to FolderSync, where it learns of
 * the Delete.  Any other id (never ours, or another user's) is Status 8. */
static GBytes *
missing_folder (AirdockdRequest *req, const EasSyncCollection *col, const GError *error)
{
	g_autoptr (AirdockdSyncState) state = NULL;

	if (!g_error_matches (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND)) {
		log_sync (req, G_LOG_LEVEL_WARNING, "reading folder", error);
		return status_fragment (req, col, EAS_SYNC_STATUS_SERVER_ERROR);
	}
	state = airdockd_store_sync_state_get (req->store, req->user_id, req->device_id, col->collection_id, NULL);
	return status_fragment (req, col, state != NULL ? EAS_SYNC_STATUS_HIERARCHY_CHANGED
	                                                : EAS_SYNC_STATUS_NOT_FOUND);
}

static GBytes *
sync_collection (AirdockdRequest *req, EasSyncCollection *col, guint request_window)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) folder = NULL;
	g_autoptr (AirdockdSyncState) state = NULL;
	g_autoptr (EasWbxmlWriter) w = NULL;
	g_autoptr (GHashTable) touched = NULL;
	g_autoptr (GHashTable) device_items = NULL;
	g_autoptr (GPtrArray) responses = NULL;
	EasSyncKeyMatch match;

	folder = airdockd_store_folder_get (req->store, req->user_id, col->collection_id, &error);
	if (folder != NULL && !airdockd_pim_folder_offered (folder->type, req->version)) {
		/* A Notes folder before 14.0: not in FolderSync, so not here. */
		g_clear_pointer (&folder, airdockd_folder_free);
		g_set_error (&error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND, "not offered");
	}
	if (folder == NULL)
		return missing_folder (req, col, error);
	state = airdockd_store_sync_state_get (req->store, req->user_id, req->device_id, col->collection_id, &error);
	if (state == NULL && !g_error_matches (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND)) {
		log_sync (req, G_LOG_LEVEL_WARNING, "reading state", error);
		return status_fragment (req, col, EAS_SYNC_STATUS_SERVER_ERROR);
	}
	match = eas_sync_key_classify (col->sync_key, strlen (col->sync_key), state ? state->sync_key : NULL,
	                               state ? state->prev_key : NULL);
	/* [MS-ASCMD] 2.2.3.181.4: the previous key gets the same answer again. */
	if (match == EAS_SYNC_KEY_MATCH_PREVIOUS && state->prev_response != NULL)
		return g_bytes_ref (state->prev_response);
	if (match != EAS_SYNC_KEY_MATCH_INITIAL && match != EAS_SYNC_KEY_MATCH_CURRENT)
		return status_fragment (req, col, EAS_SYNC_STATUS_INVALID_SYNC_KEY);

	w = eas_wbxml_writer_new ();
	touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	responses = g_ptr_array_new_with_free_func ((GDestroyNotify) client_response_free);
	CollectionCtx ctx = {
		.req = req, .col = col, .folder = folder, .state = state, .w = w,
		.touched = touched, .responses = responses,
		.window = MIN (col->window_size, request_window),
	};
	if (!resolve_options (&ctx) && match == EAS_SYNC_KEY_MATCH_CURRENT)
		return status_fragment (req, col, EAS_SYNC_STATUS_INVALID_SYNC_KEY);
	GBytes *fragment = sync_transaction (&ctx, match == EAS_SYNC_KEY_MATCH_INITIAL);
	device_items = ctx.device_items;
	return fragment;
}

/* ---- the cached collection set ([MS-ASCMD] 2.2.3.180: an empty Sync
 * reuses the last one, a Partial Sync adds to it) --------------------------- */

#define SYNC_CACHE_KEY "sync-collections"

/* One line per collection: "id\twindow\tget_changes\tdeletes_as_moves\n". */
static GBytes *
cache_encode (GPtrArray *collections)
{
	GString *s = g_string_new (NULL);

	for (guint i = 0; i < collections->len; i++) {
		const EasSyncCollection *c = g_ptr_array_index (collections, i);

		/* Key 0 turned GetChanges off for that request only. */
		gboolean gc = c->get_changes || g_strcmp0 (c->sync_key, "0") == 0;

		g_string_append_printf (s, "%s\t%u\t%d\t%d\n", c->collection_id, c->window_size,
		                        gc ? 1 : 0, c->deletes_as_moves ? 1 : 0);
	}
	return g_string_free_to_bytes (s);
}

static EasSyncCollection *
cache_entry (const char *line)
{
	g_auto (GStrv) f = g_strsplit (line, "\t", -1);
	g_autoptr (EasSyncCollection) c = NULL;
	guint64 window = 0, gc = 0, dam = 0;

	if (g_strv_length (f) != 4 || f[0][0] == '\0' || strlen (f[0]) > EAS_SYNC_ID_MAX_BYTES ||
	    !g_ascii_string_to_unsigned (f[1], 10, 1, EAS_SYNC_WINDOW_MAX, &window, NULL) ||
	    !g_ascii_string_to_unsigned (f[2], 10, 0, 1, &gc, NULL) ||
	    !g_ascii_string_to_unsigned (f[3], 10, 0, 1, &dam, NULL))
		return NULL;
	c = g_new0 (EasSyncCollection, 1);
	c->collection_id = g_strdup (f[0]);
	c->window_size = (guint) window;
	c->get_changes = gc != 0;
	c->deletes_as_moves = dam != 0;
	c->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_sync_command_free);
	return g_steal_pointer (&c);
}

/* The cached set, each with the device's current key; NULL when none. */
static GPtrArray *
cache_load (AirdockdRequest *req)
{
	g_autoptr (GBytes) blob = airdockd_store_device_blob_get (req->store, req->user_id, req->device_id,
	                                                          SYNC_CACHE_KEY, NULL);
	g_autoptr (GPtrArray) out = NULL;
	g_autofree char *text = NULL;
	g_auto (GStrv) lines = NULL;
	gsize len = 0;
	const char *data;

	if (blob == NULL)
		return NULL;
	data = g_bytes_get_data (blob, &len);
	text = g_strndup (data, len);
	lines = g_strsplit (text, "\n", EAS_SYNC_MAX_COLLECTIONS + 1);
	out = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_sync_collection_free);
	for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0' && out->len < EAS_SYNC_MAX_COLLECTIONS; i++) {
		g_autoptr (EasSyncCollection) c = cache_entry (lines[i]);
		g_autoptr (AirdockdSyncState) state = NULL;

		if (c == NULL)
			return NULL;
		state = airdockd_store_sync_state_get (req->store, req->user_id, req->device_id,
		                                       c->collection_id, NULL);
		if (state == NULL || state->sync_key == NULL)
			continue;
		c->sync_key = g_strdup (state->sync_key);
		eas_sync_options_init (&c->options, req->version);
		g_ptr_array_add (out, g_steal_pointer (&c));
	}
	return out->len > 0 ? g_steal_pointer (&out) : NULL;
}

/* Partial: the request's collections replace or join the cached ones. */
static void
cache_merge (GPtrArray *cached, GPtrArray *request)
{
	while (request->len > 0) {
		EasSyncCollection *c = g_ptr_array_steal_index (request, 0);
		guint i;

		for (i = 0; i < cached->len; i++) {
			const EasSyncCollection *old = g_ptr_array_index (cached, i);

			if (strcmp (old->collection_id, c->collection_id) == 0)
				break;
		}
		if (i < cached->len)
			g_ptr_array_remove_index (cached, i);
		if (cached->len < EAS_SYNC_MAX_COLLECTIONS)
			g_ptr_array_add (cached, c);
		else
			eas_sync_collection_free (c);
	}
}

/* Fills an empty or Partial request from the cache.  FALSE when there is
 * nothing to reuse ([MS-ASCMD] Status 13: send the full request). */
static gboolean
use_cache (AirdockdRequest *req, EasSyncRequest *sreq)
{
	g_autoptr (GPtrArray) cached = cache_load (req);

	if (cached == NULL)
		return sreq->partial && sreq->collections->len > 0;
	cache_merge (cached, sreq->collections);
	g_ptr_array_unref (sreq->collections);
	sreq->collections = g_steal_pointer (&cached);
	return TRUE;
}

static void
cache_store (AirdockdRequest *req, EasSyncRequest *sreq)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) blob = cache_encode (sreq->collections);

	if (!airdockd_store_device_blob_set (req->store, req->user_id, req->device_id, SYNC_CACHE_KEY,
	                                     blob, &error))
		log_sync (req, G_LOG_LEVEL_WARNING, "storing the collection set", error);
}

/* ---- the request ----------------------------------------------------------- */

/* [MS-ASCMD] 2.2.3.198 Wait, 2.2.3.88.2 HeartbeatInterval: both → 4; out of
 * range → 14 with the violated bound as Limit.  In range, a Sync with
 * nothing to send parks in the push hub (airdockd_push_sync_wait). */
static gboolean
check_wait (AirdockdRequest *req, const EasSyncRequest *sreq)
{
	guint limit = 0;

	if (sreq->has_wait && sreq->has_heartbeat) {
		airdockd_request_set_wbxml (req, eas_sync_encode_status (EAS_SYNC_STATUS_PROTOCOL_ERROR, 0));
		return FALSE;
	}
	if (sreq->has_wait && (sreq->wait < EAS_SYNC_WAIT_MIN || sreq->wait > EAS_SYNC_WAIT_MAX))
		limit = sreq->wait < EAS_SYNC_WAIT_MIN ? EAS_SYNC_WAIT_MIN : EAS_SYNC_WAIT_MAX;
	if (sreq->has_heartbeat &&
	    (sreq->heartbeat < EAS_SYNC_HEARTBEAT_MIN || sreq->heartbeat > EAS_SYNC_HEARTBEAT_MAX))
		limit = sreq->heartbeat < EAS_SYNC_HEARTBEAT_MIN ? EAS_SYNC_HEARTBEAT_MIN : EAS_SYNC_HEARTBEAT_MAX;
	if (limit == 0)
		return TRUE;
	airdockd_request_set_wbxml (req, eas_sync_encode_status (EAS_SYNC_STATUS_INVALID_WAIT, limit));
	return FALSE;
}

void
airdockd_cmd_sync (AirdockdRequest *req)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = NULL;
	g_autoptr (EasSyncRequest) sreq = NULL;
	g_autoptr (GPtrArray) fragments = NULL;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (req->body, &len);
	EasWbxmlLimits limits;

	airdockd_pim_sync_limits (&limits, len);
	if (len > 0) {
		root = eas_wbxml_parse (data, len, &limits, &error);
		if (root == NULL) {
			log_sync (req, G_LOG_LEVEL_INFO, "bad request", error);
			airdockd_request_set_wbxml (req, eas_sync_encode_status (EAS_SYNC_STATUS_PROTOCOL_ERROR, 0));
			return;
		}
	}
	sreq = eas_sync_request_decode (root, req->version, &error);
	if (sreq == NULL) {
		log_sync (req, G_LOG_LEVEL_INFO, "bad request", error);
		airdockd_request_set_wbxml (req, eas_sync_encode_status (EAS_SYNC_STATUS_PROTOCOL_ERROR, 0));
		return;
	}
	if (!check_wait (req, sreq))
		return;
	/* An empty or Partial Sync reuses the previous request's collections. */
	if ((sreq->empty || sreq->partial) && !use_cache (req, sreq)) {
		airdockd_request_set_wbxml (req, eas_sync_encode_status (EAS_SYNC_STATUS_INCOMPLETE_REQUEST, 0));
		return;
	}
	cache_store (req, sreq);
	if (airdockd_push_sync_wait (req, sreq))
		return;		/* parked: the push hub answers when something changes */
	fragments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
	for (guint i = 0; i < sreq->collections->len; i++)
		g_ptr_array_add (fragments, sync_collection (req, g_ptr_array_index (sreq->collections, i),
		                                             sreq->has_window_size ? sreq->window_size : G_MAXUINT));
	airdockd_request_set_wbxml (req, splice (fragments));
}
