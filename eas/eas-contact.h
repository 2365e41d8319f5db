/* eas-contact.h — the contact item model ([MS-ASCNTC] 2.2.2): every element
 * of the Contacts and Contacts2 code pages, ApplicationData ⇄ model per
 * protocol version, model ⇄ vCard 4, and the merge that applies a device's
 * change to the stored vCard without losing what the device cannot see.
 *
 * Pure: no I/O.  Errors: EAS_PIM_ERROR (eas/eas-pim.h).
 *
 * The store keeps the full vCard; the device sees the EAS projection:
 *   - three email addresses (the first three EMAIL properties, in order),
 *     no types;
 *   - phones, addresses by kind (TEL/ADR TYPE work, home, fax, cell …);
 *   - only the elements of its protocol version.
 * eas_contact_merge() applies a Change to the stored card: elements the
 * device sent replace (empty = clear), elements it declared Supported but
 * left out are cleared, everything else stays — the fourth and later
 * email addresses with their types, the types of the first three while
 * their values are unchanged, X- properties, fields outside the version.
 */
#pragma once

#include <glib.h>

#include "eas/eas-pim.h"
#include "eas/eas-vcard.h"

G_BEGIN_DECLS

/* Text elements: X (NAME, tag, first protocol version ×10). */
#define EAS_CONTACT_FIELDS(X) \
	X (ANNIVERSARY, EAS_CONTACTS_ANNIVERSARY, 25) \
	X (ASSISTANT_NAME, EAS_CONTACTS_ASSISTANT_NAME, 25) \
	X (ASSISTANT_PHONE_NUMBER, EAS_CONTACTS_ASSISTANT_PHONE_NUMBER, 25) \
	X (BIRTHDAY, EAS_CONTACTS_BIRTHDAY, 25) \
	X (BUSINESS2_PHONE_NUMBER, EAS_CONTACTS_BUSINESS2_PHONE_NUMBER, 25) \
	X (BUSINESS_ADDRESS_CITY, EAS_CONTACTS_BUSINESS_ADDRESS_CITY, 25) \
	X (BUSINESS_ADDRESS_COUNTRY, EAS_CONTACTS_BUSINESS_ADDRESS_COUNTRY, 25) \
	X (BUSINESS_ADDRESS_POSTAL_CODE, EAS_CONTACTS_BUSINESS_ADDRESS_POSTAL_CODE, 25) \
	X (BUSINESS_ADDRESS_STATE, EAS_CONTACTS_BUSINESS_ADDRESS_STATE, 25) \
	X (BUSINESS_ADDRESS_STREET, EAS_CONTACTS_BUSINESS_ADDRESS_STREET, 25) \
	X (BUSINESS_FAX_NUMBER, EAS_CONTACTS_BUSINESS_FAX_NUMBER, 25) \
	X (BUSINESS_PHONE_NUMBER, EAS_CONTACTS_BUSINESS_PHONE_NUMBER, 25) \
	X (CAR_PHONE_NUMBER, EAS_CONTACTS_CAR_PHONE_NUMBER, 25) \
	X (COMPANY_NAME, EAS_CONTACTS_COMPANY_NAME, 25) \
	X (DEPARTMENT, EAS_CONTACTS_DEPARTMENT, 25) \
	X (EMAIL1_ADDRESS, EAS_CONTACTS_EMAIL1_ADDRESS, 25) \
	X (EMAIL2_ADDRESS, EAS_CONTACTS_EMAIL2_ADDRESS, 25) \
	X (EMAIL3_ADDRESS, EAS_CONTACTS_EMAIL3_ADDRESS, 25) \
	X (FILE_AS, EAS_CONTACTS_FILE_AS, 25) \
	X (FIRST_NAME, EAS_CONTACTS_FIRST_NAME, 25) \
	X (HOME2_PHONE_NUMBER, EAS_CONTACTS_HOME2_PHONE_NUMBER, 25) \
	X (HOME_ADDRESS_CITY, EAS_CONTACTS_HOME_ADDRESS_CITY, 25) \
	X (HOME_ADDRESS_COUNTRY, EAS_CONTACTS_HOME_ADDRESS_COUNTRY, 25) \
	X (HOME_ADDRESS_POSTAL_CODE, EAS_CONTACTS_HOME_ADDRESS_POSTAL_CODE, 25) \
	X (HOME_ADDRESS_STATE, EAS_CONTACTS_HOME_ADDRESS_STATE, 25) \
	X (HOME_ADDRESS_STREET, EAS_CONTACTS_HOME_ADDRESS_STREET, 25) \
	X (HOME_FAX_NUMBER, EAS_CONTACTS_HOME_FAX_NUMBER, 25) \
	X (HOME_PHONE_NUMBER, EAS_CONTACTS_HOME_PHONE_NUMBER, 25) \
	X (JOB_TITLE, EAS_CONTACTS_JOB_TITLE, 25) \
	X (LAST_NAME, EAS_CONTACTS_LAST_NAME, 25) \
	X (MIDDLE_NAME, EAS_CONTACTS_MIDDLE_NAME, 25) \
	X (MOBILE_PHONE_NUMBER, EAS_CONTACTS_MOBILE_PHONE_NUMBER, 25) \
	X (OFFICE_LOCATION, EAS_CONTACTS_OFFICE_LOCATION, 25) \
	X (OTHER_ADDRESS_CITY, EAS_CONTACTS_OTHER_ADDRESS_CITY, 25) \
	X (OTHER_ADDRESS_COUNTRY, EAS_CONTACTS_OTHER_ADDRESS_COUNTRY, 25) \
	X (OTHER_ADDRESS_POSTAL_CODE, EAS_CONTACTS_OTHER_ADDRESS_POSTAL_CODE, 25) \
	X (OTHER_ADDRESS_STATE, EAS_CONTACTS_OTHER_ADDRESS_STATE, 25) \
	X (OTHER_ADDRESS_STREET, EAS_CONTACTS_OTHER_ADDRESS_STREET, 25) \
	X (PAGER_NUMBER, EAS_CONTACTS_PAGER_NUMBER, 25) \
	X (RADIO_PHONE_NUMBER, EAS_CONTACTS_RADIO_PHONE_NUMBER, 25) \
	X (SPOUSE, EAS_CONTACTS_SPOUSE, 25) \
	X (SUFFIX, EAS_CONTACTS_SUFFIX, 25) \
	X (TITLE, EAS_CONTACTS_TITLE, 25) \
	X (WEB_PAGE, EAS_CONTACTS_WEB_PAGE, 25) \
	X (YOMI_COMPANY_NAME, EAS_CONTACTS_YOMI_COMPANY_NAME, 25) \
	X (YOMI_FIRST_NAME, EAS_CONTACTS_YOMI_FIRST_NAME, 25) \
	X (YOMI_LAST_NAME, EAS_CONTACTS_YOMI_LAST_NAME, 25) \
	X (PICTURE, EAS_CONTACTS_PICTURE, 25) \
	X (ALIAS, EAS_CONTACTS_ALIAS, 140) \
	X (WEIGHTED_RANK, EAS_CONTACTS_WEIGHTED_RANK, 140) \
	X (CUSTOMER_ID, EAS_CONTACTS2_CUSTOMER_ID, 25) \
	X (GOVERNMENT_ID, EAS_CONTACTS2_GOVERNMENT_ID, 25) \
	X (IM_ADDRESS, EAS_CONTACTS2_IM_ADDRESS, 25) \
	X (IM_ADDRESS2, EAS_CONTACTS2_IM_ADDRESS2, 25) \
	X (IM_ADDRESS3, EAS_CONTACTS2_IM_ADDRESS3, 25) \
	X (MANAGER_NAME, EAS_CONTACTS2_MANAGER_NAME, 25) \
	X (COMPANY_MAIN_PHONE, EAS_CONTACTS2_COMPANY_MAIN_PHONE, 25) \
	X (ACCOUNT_NAME, EAS_CONTACTS2_ACCOUNT_NAME, 25) \
	X (NICK_NAME, EAS_CONTACTS2_NICK_NAME, 25) \
	X (MMS, EAS_CONTACTS2_MMS, 25)

typedef enum {
#define EAS_CONTACT_ENUM(NAME, tag, ver) EAS_CONTACT_##NAME,
	EAS_CONTACT_FIELDS (EAS_CONTACT_ENUM)
#undef EAS_CONTACT_ENUM
	EAS_CONTACT_N_FIELDS
} EasContactField;

/* A contact as the device sees it.  NULL = element absent; "" = present
 * and empty (a Change that clears it).  Birthday/Anniversary hold the EAS
 * date-time text ("1980-01-02T00:00:00.000Z"); Picture holds base64. */
typedef struct {
	char *fields[EAS_CONTACT_N_FIELDS];
	char *body;		/* notes: contacts:Body (2.5) or airsyncbase:Body; NULL = absent */
	guint body_type;	/* 1 plain (default), 2 HTML, 3 RTF */
	GPtrArray *categories;	/* of char*; NULL = absent, empty = cleared */
	GPtrArray *children;	/* of char*; NULL = absent, empty = cleared */
} EasContact;

EasContact *eas_contact_new (void);
void eas_contact_free (EasContact *contact);

/* The tag and first protocol version of a field. */
EasTag eas_contact_field_tag (EasContactField field);
EasVersion eas_contact_field_version (EasContactField field);
/* The field for a tag, or -1. */
int eas_contact_field_for_tag (EasTag tag);

/* Decodes the children of an ApplicationData element for a device of the
 * given version.  Elements that do not exist in that version and elements
 * of other pages are ignored.  Errors: MALFORMED (bad date, nested
 * structure, binary text), LIMIT (categories/children > 300, body too
 * large), PICTURE_TOO_LARGE (> 48 KB base64). */
EasContact *eas_contact_decode (const EasNode *app_data, EasVersion version, GError **error);

/* Writes the ApplicationData children for version: only elements that exist
 * in it; 2.5 bodies as contacts:Body, later as airsyncbase:Body. */
void eas_contact_encode (EasWbxmlWriter *writer, const EasContact *contact, EasVersion version);

/* model → a new vCard 4.0; vCard → model (every field it can fill). */
EasVCard *eas_contact_to_vcard (const EasContact *contact);
EasContact *eas_contact_from_vcard (const EasVCard *card);

/* Applies a device's Add/Change to stored (NULL for a new contact) and
 * returns the new card (stored is not modified).  supported: the tags the
 * device listed in Supported for this collection (n_supported may be 0:
 * then no absent element is cleared).  Only fields that exist in version
 * are touched; the rules are in the comment at the top. */
EasVCard *eas_contact_merge (const EasVCard *stored, const EasContact *change,
                             EasVersion version, const EasTag *supported, gsize n_supported);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasContact, eas_contact_free)

G_END_DECLS
