/* Fuzz target: the vCard parser, and the writer on what it accepts. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "eas/eas-contact.h"
#include "eas/eas-vcard.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasVCard) card = eas_vcard_parse ((const char *) data, size, NULL, &error);
	g_autofree char *text = NULL;
	g_autoptr (EasVCard) again = NULL;
	g_autoptr (GError) error2 = NULL;

	/* Exactly one of result and error. */
	g_assert_true ((card == NULL) != (error == NULL));
	if (card == NULL)
		return 0;
	/* What we write is always valid UTF-8 and parses again. */
	text = eas_vcard_to_string (card);
	g_assert_true (g_utf8_validate (text, -1, NULL));
	again = eas_vcard_parse (text, strlen (text), NULL, &error2);
	g_assert_true ((again == NULL) != (error2 == NULL));
	for (guint i = 0; i < card->properties->len; i++) {
		EasVCardProperty *p = g_ptr_array_index (card->properties, i);
		g_auto (GStrv) parts = eas_vcard_split (p->value, ';');
		g_autofree char *t = eas_vcard_property_get_text (p);
		g_assert_nonnull (parts);
		g_assert_nonnull (t);
	}
	/* The contact mapping reads any card, and a device echoing what it
	 * saw merges back cleanly. */
	{
		g_autoptr (EasContact) seen = eas_contact_from_vcard (card);
		g_autoptr (EasVCard) merged = eas_contact_merge (card, seen, 161, NULL, 0);
		g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
		g_autoptr (GBytes) out = NULL;
		g_autoptr (GError) error3 = NULL;

		g_assert_nonnull (merged);
		eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
		eas_contact_encode (w, seen, 25);
		eas_wbxml_writer_end (w);
		out = eas_wbxml_writer_finish (w, &error3);
		g_assert_no_error (error3);
	}
	return 0;
}
