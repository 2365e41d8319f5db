/* Fuzz target: Contacts ApplicationData (WBXML) → model → vCard → model →
 * ApplicationData, and the merge into a stored card.  The first byte picks
 * the protocol version. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "eas/eas-contact.h"
#include "fuzz.h"

static const EasVersion versions[] = { 25, 120, 121, 140, 141, 160, 161 };

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = NULL;
	g_autoptr (EasContact) c = NULL;
	g_autoptr (EasVCard) card = NULL;
	g_autoptr (EasVCard) merged = NULL;
	g_autoptr (EasContact) back = NULL;
	g_autoptr (EasWbxmlWriter) w = NULL;
	g_autoptr (GBytes) out = NULL;
	g_autofree char *text = NULL;
	EasVersion version;
	const EasTag supported[] = { EAS_CONTACTS_EMAIL1_ADDRESS, EAS_CONTACTS_BUSINESS_PHONE_NUMBER,
	                             EAS_CONTACTS_CATEGORIES, EAS_AIRSYNCBASE_BODY };

	if (size < 1)
		return 0;
	version = versions[data[0] % G_N_ELEMENTS (versions)];
	root = eas_wbxml_parse (data + 1, size - 1, NULL, &error);
	if (root == NULL)
		return 0;
	c = eas_contact_decode (root, version, &error);
	g_assert_true ((c == NULL) != (error == NULL));
	if (c == NULL)
		return 0;
	card = eas_contact_to_vcard (c);
	text = eas_vcard_to_string (card);
	g_assert_true (g_utf8_validate (text, -1, NULL));
	merged = eas_contact_merge (card, c, version, supported, G_N_ELEMENTS (supported));
	back = eas_contact_from_vcard (merged);
	w = eas_wbxml_writer_new ();
	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_contact_encode (w, back, version);
	eas_wbxml_writer_end (w);
	out = eas_wbxml_writer_finish (w, &error);
	g_assert_no_error (error);
	return 0;
}
