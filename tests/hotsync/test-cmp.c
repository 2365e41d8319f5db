/* CMP: parse, encode, baud negotiation. */
#include "config.h"

#include "hotsync/hotsync-cmp.h"

static HotsyncCmp
wake (guint8 flags, guint8 major, guint32 baud)
{
	HotsyncCmp w = { HOTSYNC_CMP_TYPE_WAKE, flags, major, 3, 0, baud };

	return w;
}

static void
test_parse_encode (void)
{
	/* The WAKE of no-op-test.serial-net.json. */
	static const guint8 recorded[] = { 0x01, 0x10, 0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0xc2, 0x00 };
	HotsyncCmp c;
	guint8 back[HOTSYNC_CMP_LEN];
	g_autoptr (GError) error = NULL;

	g_assert_true (hotsync_cmp_parse (recorded, sizeof recorded, &c, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (c.type, ==, HOTSYNC_CMP_TYPE_WAKE);
	g_assert_cmpuint (c.flags, ==, HOTSYNC_CMP_FLAG_LONG_PADP);
	g_assert_cmpuint (c.major, ==, 1);
	g_assert_cmpuint (c.minor, ==, 3);
	g_assert_cmpuint (c.baud, ==, 115200);
	hotsync_cmp_encode (&c, back);
	g_assert_cmpmem (back, sizeof back, recorded, sizeof recorded);
	/* Sizes N-1 and N+1 fail. */
	g_assert_false (hotsync_cmp_parse (recorded, sizeof recorded - 1, &c, &error));
	g_assert_error (error, HOTSYNC_CMP_ERROR, HOTSYNC_CMP_ERROR_MALFORMED);
	g_clear_error (&error);
	{
		guint8 longer[HOTSYNC_CMP_LEN + 1] = { 1 };

		g_assert_false (hotsync_cmp_parse (longer, sizeof longer, &c, &error));
		g_assert_error (error, HOTSYNC_CMP_ERROR, HOTSYNC_CMP_ERROR_MALFORMED);
		g_clear_error (&error);
	}
	/* Types 1–3 only. */
	for (guint t = 0; t < 6; t++) {
		guint8 b[HOTSYNC_CMP_LEN] = { (guint8) t };
		gboolean ok = hotsync_cmp_parse (b, sizeof b, &c, &error);

		g_assert_cmpint (ok, ==, t >= 1 && t <= 3);
		if (!ok)
			g_assert_error (error, HOTSYNC_CMP_ERROR, HOTSYNC_CMP_ERROR_MALFORMED);
		g_clear_error (&error);
	}
}

static void
test_negotiate (void)
{
	struct {
		guint8 flags;
		guint32 hh_baud, desk_baud;
		gboolean allow_long;
		guint32 want_baud;
		guint8 want_flags;
	} cases[] = {
		/* The recorded exchange: 115200 both, long PADP offered. */
		{ 0x10, 115200, 115200, TRUE, 115200, 0x90 },
		{ 0x10, 230400, 115200, TRUE, 115200, 0x90 },
		{ 0x10, 57600, 115200, TRUE, 57600, 0x90 },
		{ 0x10, 115200, 115200, FALSE, 115200, 0x80 },
		{ 0x00, 115200, 115200, TRUE, 115200, 0x80 },
		/* Staying at 9600: no change-baud flag. */
		{ 0x00, 9600, 115200, TRUE, 9600, 0x00 },
		{ 0x00, 115200, 9600, TRUE, 9600, 0x00 },
		{ 0x00, 0, 115200, TRUE, 9600, 0x00 },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		HotsyncCmp w = wake (cases[i].flags, 1, cases[i].hh_baud), r;
		g_autoptr (GError) error = NULL;

		g_assert_true (hotsync_cmp_negotiate (&w, cases[i].desk_baud, cases[i].allow_long, &r, &error));
		g_assert_no_error (error);
		g_assert_cmpuint (r.type, ==, HOTSYNC_CMP_TYPE_INIT);
		g_assert_cmpuint (r.baud, ==, cases[i].want_baud);
		g_assert_cmphex (r.flags, ==, cases[i].want_flags);
		g_assert_cmpuint (r.major, ==, 1);
		g_assert_cmpuint (r.minor, ==, 1);
	}
}

static void
test_incompatible (void)
{
	HotsyncCmp w = wake (0, 2, 115200), r;
	g_autoptr (GError) error = NULL;

	g_assert_false (hotsync_cmp_negotiate (&w, 115200, TRUE, &r, &error));
	g_assert_error (error, HOTSYNC_CMP_ERROR, HOTSYNC_CMP_ERROR_INCOMPATIBLE);
	g_assert_cmpuint (r.type, ==, HOTSYNC_CMP_TYPE_ABORT);
	g_assert_cmpuint (r.flags, ==, HOTSYNC_CMP_ABORT_INCOMPATIBLE);
	g_clear_error (&error);
	w.type = HOTSYNC_CMP_TYPE_INIT;
	w.major = 1;
	g_assert_false (hotsync_cmp_negotiate (&w, 115200, TRUE, &r, &error));
	g_assert_error (error, HOTSYNC_CMP_ERROR, HOTSYNC_CMP_ERROR_MALFORMED);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/hotsync/cmp/parse-encode", test_parse_encode);
	g_test_add_func ("/hotsync/cmp/negotiate", test_negotiate);
	g_test_add_func ("/hotsync/cmp/incompatible", test_incompatible);
	return g_test_run ();
}
