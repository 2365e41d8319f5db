/* fuzz-search-expression.c — a client's search text through
 * airdockd_search_index_expression() and an FTS5 query over a small real
 * index: whatever the bytes (wildcards, quotes, operators, column filters,
 * invalid UTF-8), building the expression never fails and the query it
 * gives never is an FTS5 syntax error.
 *
 * One store in a temporary directory serves all inputs (removed at exit). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "server/airdockd-search-index.h"
#include "server/airdockd-store.h"
#include "tests/server/harness.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static char *tmp_dir;
static AirdockdStore *store;
static AirdockdSearchIndex *index_;
static gint64 uid;

static void
cleanup (void)
{
	g_clear_pointer (&index_, airdockd_search_index_free);
	g_clear_pointer (&store, airdockd_store_unref);
	if (tmp_dir != NULL)
		airdock_harness_remove_tree (tmp_dir);
	g_clear_pointer (&tmp_dir, g_free);
}

/* A user with two mails, so queries have something to match. */
static void
setup (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdUser) user = NULL;
	g_autoptr (AirdockdFolder) inbox = NULL;
	g_autofree char *data_dir = NULL;
	static const char *const mails[] = {
		"From: Carol <carol@corp.example>\r\nTo: a@example.org\r\nSubject: Budget \"Q3\" (draft)\r\n"
		"Message-ID: <f1@example.org>\r\n\r\nnumbers up 50% NEAR the end; subject:budget AND more\r\n",
		"From: Dave <dave@example.com>\r\nTo: a@example.org\r\nSubject: Lunch\r\n"
		"Message-ID: <f2@example.org>\r\n\r\nbud_et caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\r\n",
	};

	tmp_dir = g_dir_make_tmp ("fuzz-search-expression-XXXXXX", &error);
	g_assert_no_error (error);
	atexit (cleanup);
	data_dir = g_build_filename (tmp_dir, "data", NULL);
	store = airdockd_store_open (data_dir, &error);
	g_assert_no_error (error);
	g_assert_true (airdockd_store_user_add (store, "fuzz", "fuzz@example.org", "pw-fuzz-1", &user, &error));
	uid = user->id;
	index_ = airdockd_search_index_attach (store, &error);
	g_assert_no_error (error);
	inbox = airdockd_store_folder_get_by_type (store, uid, AIRDOCKD_FOLDER_INBOX, &error);
	g_assert_no_error (error);
	for (guint i = 0; i < G_N_ELEMENTS (mails); i++) {
		g_autofree char *path = g_build_filename (tmp_dir, "m.eml", NULL);
		g_autoptr (AirdockdItem) item = NULL;

		g_assert_true (g_file_set_contents (path, mails[i], -1, &error));
		item = airdockd_store_add_message (store, uid, inbox->server_id, path, FALSE, &error);
		g_assert_no_error (error);
	}
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;
	g_autofree char *expr = NULL;
	g_autoptr (GPtrArray) hits = NULL;
	AirdockdSearchFilter filter = { 0 };
	guint64 total = 0;

	if (store == NULL)
		setup ();
	/* The decoder hands over NUL-terminated text of at most this. */
	text = size > 0 ? g_strndup ((const char *) data, MIN (size, AIRDOCKD_SEARCH_MAX_TEXT)) : g_strdup ("");
	expr = airdockd_search_index_expression (index_, text, &error);
	g_assert_no_error (error);
	g_assert_nonnull (expr);
	filter.fts_match = expr;
	hits = airdockd_search_index_query (index_, uid, &filter, 0, 10, &total, &error);
	g_assert_no_error (error);
	g_assert_nonnull (hits);
	g_assert_cmpuint (total, <=, 2);
	g_assert_cmpuint (hits->len, ==, total);
	return 0;
}
