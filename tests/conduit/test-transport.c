/* In-process conduit pieces: the USB-like in-memory byte pipe with both
 * framings (NetSync and SLP, detected from the first bytes), link specs,
 * the config file, and the record ⇄ item mappings. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "conduit/conduit-listen.h"
#include "conduit/conduit-records.h"
#include "conduit/conduit-session.h"
#include "conduit/conduit-usb.h"
#include "hotsync/hotsync-records.h"
#include "tests/handheld/handheld-link.h"

typedef struct {
	ConduitTransport *t;
	gboolean serial;
	HandheldState *state;
	HandheldLinkResult result;
	gboolean ok;
} HandheldThread;

static gpointer
handheld_thread (gpointer data)
{
	HandheldThread *ht = data;
	HandheldLinkOptions opt = { 0 };
	g_autoptr (GError) error = NULL;

	ht->ok = handheld_link_run (ht->t, ht->serial, ht->state, &opt, &ht->result, &error);
	if (error != NULL)
		g_test_message ("handheld: %s", error->message);
	return NULL;
}

static void
add_memo (HandheldState *s, const char *text)
{
	g_autoptr (GBytes) b = hotsync_memo_encode (text, NULL);

	handheld_db_add (s, handheld_state_find_db (s, "MemoDB"), 0, b);
}

static void
test_memory_pipe (gconstpointer data)
{
	gboolean serial = GPOINTER_TO_INT (data);
	g_autofree char *dir = g_dir_make_tmp ("airdock-pipe-XXXXXX", NULL);
	g_autofree char *store_path = g_build_filename (dir, "store.sqlite", NULL);
	g_autofree char *logs = g_build_filename (dir, "logs", NULL);
	g_autoptr (HandheldState) state = handheld_state_new ("Pipe", 77);
	ConduitTransport *desk, *hand;
	HandheldThread ht = { 0 };
	ConduitSessionConfig config = { 0 };
	g_auto (ConduitSessionResult) r = { 0 };
	g_autoptr (GError) error = NULL;
	g_autoptr (PststoreStore) store = NULL;
	g_autoptr (GPtrArray) items = NULL;
	GThread *th;

	add_memo (state, "over the pipe");
	add_memo (state, "second");
	g_assert_true (conduit_transport_new_pair (&desk, &hand, &error));
	g_assert_no_error (error);
	ht.t = hand;
	ht.serial = serial;
	ht.state = state;
	th = g_thread_new ("handheld", handheld_thread, &ht);
	config.store_path = store_path;
	config.log_dir = logs;
	config.desktop_id = 0x1234;
	g_assert_true (conduit_session_run (desk, &config, &r, &error));
	g_assert_no_error (error);
	g_thread_join (th);
	g_assert_true (ht.ok);
	g_assert_true (ht.result.completed);
	g_assert_true (r.ok);
	g_assert_cmpint (r.serial, ==, serial);
	g_assert_cmpuint (r.stats.pc_added, ==, 2);
	g_assert_cmpuint (r.round_trips, ==, ht.result.requests);
	g_assert_cmpuint (state->last_sync_pc, ==, 0x1234);
	store = pststore_open (store_path, &error);
	g_assert_no_error (error);
	items = pststore_item_list (store, pststore_folder_default (store, PSTSTORE_KIND_NOTE, NULL), &error);
	g_assert_no_error (error);
	g_assert_cmpuint (items->len, ==, 2);
	conduit_transport_free (desk);
	conduit_transport_free (hand);
	pststore_close (g_steal_pointer (&store));
	{
		g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

		g_assert_cmpint (system (cmd), ==, 0);
	}
}

static void
test_detect_framing (void)
{
	static const guint8 net[] = { 0x01, 0xff, 0, 0, 0, 0x16, 0x90 };
	static const guint8 bare[] = { 0x90, 0x01 };
	static const guint8 slp[] = { 0xbe, 0xef, 0xed, 3 };
	gboolean serial = FALSE;

	g_assert_false (conduit_detect_framing (net, 0, &serial));
	g_assert_true (conduit_detect_framing (net, sizeof net, &serial));
	g_assert_false (serial);
	g_assert_true (conduit_detect_framing (bare, sizeof bare, &serial));
	g_assert_false (serial);
	g_assert_true (conduit_detect_framing (slp, sizeof slp, &serial));
	g_assert_true (serial);
}

static void
test_specs (void)
{
	g_autofree char *host = NULL, *dev = NULL;
	guint16 port = 0;
	guint32 baud = 0;

	g_assert_true (conduit_parse_net_spec ("net:127.0.0.1:65535", &host, &port, NULL));
	g_assert_cmpstr (host, ==, "127.0.0.1");
	g_assert_cmpuint (port, ==, 65535);
	g_assert_false (conduit_parse_net_spec ("net:127.0.0.1:65536", &host, &port, NULL));
	g_clear_pointer (&host, g_free);
	g_assert_true (conduit_parse_net_spec ("net:14238", &host, &port, NULL));
	g_assert_cmpstr (host, ==, "0.0.0.0");
	g_assert_false (conduit_parse_net_spec ("net:x", &host, &port, NULL));
	g_assert_true (conduit_parse_serial_spec ("serial:/dev/ttyS0@230400", &dev, &baud, NULL));
	g_assert_cmpstr (dev, ==, "/dev/ttyS0");
	g_assert_cmpuint (baud, ==, 230400);
	g_assert_false (conduit_parse_serial_spec ("serial:/dev/ttyS0@230401", &dev, &baud, NULL));
	g_assert_false (conduit_parse_serial_spec ("serial:/dev/ttyS0@9599", &dev, &baud, NULL));
	g_assert_false (conduit_parse_serial_spec ("serial:ttyS0", &dev, &baud, NULL));
}

static void
test_config (void)
{
	g_autofree char *dir = g_dir_make_tmp ("airdock-conf-XXXXXX", NULL);
	g_autofree char *path = g_build_filename (dir, "conduit.ini", NULL);
	g_auto (GStrv) listen = NULL;
	g_autoptr (GError) error = NULL;

	g_assert_true (g_file_set_contents (path, "[conduit]\nlisten=net:14238;serial:/dev/ttyS0@115200;\n", -1, NULL));
	listen = g_new0 (char *, 2);
	listen[0] = g_strdup ("net:1");
	g_assert_true (conduit_config_load (path, &listen, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (g_strv_length (listen), ==, 3);
	g_assert_cmpstr (listen[2], ==, "serial:/dev/ttyS0@115200");
	g_assert_true (g_file_set_contents (path, "[conduit]\nlisen=net:14238\n", -1, NULL));
	g_assert_false (conduit_config_load (path, &listen, &error));
	g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND);
	(void) g_unlink (path);
	(void) g_rmdir (dir);
}

static void
test_todo_mapping (void)
{
	HotsyncTodo t = { TRUE, 2026, 12, 1, 4, TRUE, (char *) "Call Bob", (char *) "about Q4" };
	g_autoptr (GBytes) rec = hotsync_todo_encode (&t, NULL);
	g_autoptr (PststoreItem) item = pststore_item_new ("IPM.Task");
	g_autoptr (GBytes) back = NULL;
	g_autoptr (HotsyncTodo) t2 = NULL;

	g_assert_true (conduit_todo_kind.to_item (g_bytes_get_data (rec, NULL), g_bytes_get_size (rec), item, NULL));
	g_assert_cmpstr (item->subject, ==, "Call Bob");
	g_assert_true (item->task_complete);
	g_assert_cmpint (item->importance, ==, 0);
	back = conduit_todo_kind.from_item (item, NULL);
	g_assert_true (g_bytes_equal (back, rec));
	/* A desktop edit of the importance wins over the kept priority. */
	item->importance = 2;
	g_clear_pointer (&back, g_bytes_unref);
	back = conduit_todo_kind.from_item (item, NULL);
	t2 = hotsync_todo_decode (g_bytes_get_data (back, NULL), g_bytes_get_size (back), NULL);
	g_assert_cmpuint (t2->priority, ==, 1);
	g_assert_cmpuint (t2->due_day, ==, 1);
}

static void
test_memo_mapping (void)
{
	g_autoptr (GBytes) rec = hotsync_memo_encode ("Title\nbody €", NULL);
	g_autoptr (PststoreItem) item = pststore_item_new ("IPM.StickyNote");
	g_autoptr (GBytes) back = NULL;

	g_assert_true (conduit_memo_kind.to_item (g_bytes_get_data (rec, NULL), g_bytes_get_size (rec), item, NULL));
	g_assert_cmpstr (item->subject, ==, "Title");
	g_assert_cmpstr (item->body, ==, "Title\nbody €");
	back = conduit_memo_kind.from_item (item, NULL);
	g_assert_true (g_bytes_equal (back, rec));
	/* A note with only a subject becomes a one-line memo. */
	g_clear_pointer (&item->body, g_free);
	g_clear_pointer (&back, g_bytes_unref);
	back = conduit_memo_kind.from_item (item, NULL);
	g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), "Title", 6);
}

static void
test_usb_ext_info (void)
{
	/* 2 ports, endpoints differ; "cnys" on port 1 with IN 8 / OUT 2. */
	static const guint8 info[CONDUIT_USB_EXT_INFO_LEN] = {
		2, 1, 0, 0, 'd', 'm', 'o', 'd', 0, 0x11, 0, 0, 'c', 'n', 'y', 's', 1, 0x82, 0, 0,
	};
	static const guint8 same[12] = { 1, 0, 0, 0, 'c', 'n', 'y', 's', 3, 0, 0, 0 };
	g_autoptr (GError) error = NULL;
	guint8 in = 0, out = 0;

	g_assert_true (conduit_usb_parse_ext_info (info, sizeof info, &in, &out, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (in, ==, 0x88);
	g_assert_cmpuint (out, ==, 0x02);
	/* Cut at N-1: the second port entry no longer fits. */
	g_assert_false (conduit_usb_parse_ext_info (info, sizeof info - 1, &in, &out, &error));
	g_assert_error (error, CONDUIT_USB_ERROR, CONDUIT_USB_ERROR_MALFORMED);
	g_clear_error (&error);
	g_assert_true (conduit_usb_parse_ext_info (same, sizeof same, &in, &out, &error));
	g_assert_cmpuint (in, ==, 0x83);
	g_assert_cmpuint (out, ==, 0x03);
	/* A third port is more than the answer can hold. */
	{
		guint8 three[CONDUIT_USB_EXT_INFO_LEN];

		memcpy (three, info, sizeof three);
		three[0] = CONDUIT_USB_MAX_PORTS + 1;
		g_assert_false (conduit_usb_parse_ext_info (three, sizeof three, &in, &out, &error));
		g_assert_error (error, CONDUIT_USB_ERROR, CONDUIT_USB_ERROR_MALFORMED);
		g_clear_error (&error);
	}
}

static void
test_usb_visor_info (void)
{
	static const guint8 info[CONDUIT_USB_VISOR_INFO_LEN] = { 0, 2, 0, 1, 2, 2 };
	static const guint8 none[4] = { 0, 1, 1, 1 };
	g_autoptr (GError) error = NULL;
	guint8 in = 0, out = 0;

	g_assert_true (conduit_usb_parse_visor_info (info, sizeof info, &in, &out, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (in, ==, 0x82);
	g_assert_cmpuint (out, ==, 0x02);
	g_assert_false (conduit_usb_parse_visor_info (info, sizeof info - 1, &in, &out, &error));
	g_assert_error (error, CONDUIT_USB_ERROR, CONDUIT_USB_ERROR_MALFORMED);
	g_clear_error (&error);
	g_assert_false (conduit_usb_parse_visor_info (none, sizeof none, &in, &out, &error));
	g_assert_error (error, CONDUIT_USB_ERROR, CONDUIT_USB_ERROR_NO_HOTSYNC);
	g_assert_true (conduit_usb_is_palm_vendor (0x0830));
	g_assert_false (conduit_usb_is_palm_vendor (0x1d6b));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_data_func ("/conduit/usb/memory-pipe/netsync", GINT_TO_POINTER (FALSE), test_memory_pipe);
	g_test_add_data_func ("/conduit/usb/memory-pipe/slp", GINT_TO_POINTER (TRUE), test_memory_pipe);
	g_test_add_func ("/conduit/framing/detect", test_detect_framing);
	g_test_add_func ("/conduit/usb/ext-info", test_usb_ext_info);
	g_test_add_func ("/conduit/usb/visor-info", test_usb_visor_info);
	g_test_add_func ("/conduit/listen/specs", test_specs);
	g_test_add_func ("/conduit/listen/config", test_config);
	g_test_add_func ("/conduit/records/todo", test_todo_mapping);
	g_test_add_func ("/conduit/records/memo", test_memo_mapping);
	return g_test_run ();
}
