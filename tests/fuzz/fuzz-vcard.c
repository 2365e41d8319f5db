/* Fuzz target: the vCard parser, and the writer on what it accepts. */
#include "config.h"

#include <glib.h>
#include <string.h>

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
	return 0;
}
