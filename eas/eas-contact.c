/* eas-contact.c — contact item model ([MS-ASCNTC]) ⇄ ApplicationData ⇄ vCard 4. */
#include "config.h"

#include <string.h>

#include "eas/eas-contact.h"

/* ---- Field table -------------------------------------------------------- */

static const struct {
	EasTag tag;
	EasVersion version;
} field_info[EAS_CONTACT_N_FIELDS] = {
#define EAS_CONTACT_INFO(NAME, tag, ver) { tag, ver },
	EAS_CONTACT_FIELDS (EAS_CONTACT_INFO)
#undef EAS_CONTACT_INFO
};

EasTag
eas_contact_field_tag (EasContactField field)
{
	g_return_val_if_fail (field < EAS_CONTACT_N_FIELDS, 0);
	return field_info[field].tag;
}

EasVersion
eas_contact_field_version (EasContactField field)
{
	g_return_val_if_fail (field < EAS_CONTACT_N_FIELDS, 0);
	return field_info[field].version;
}

int
eas_contact_field_for_tag (EasTag tag)
{
	for (int i = 0; i < EAS_CONTACT_N_FIELDS; i++) {
		if (field_info[i].tag == tag)
			return i;
	}
	return -1;
}

EasContact *
eas_contact_new (void)
{
	EasContact *c = g_new0 (EasContact, 1);

	c->body_type = 1;
	return c;
}

void
eas_contact_free (EasContact *contact)
{
	if (contact == NULL)
		return;
	for (guint i = 0; i < EAS_CONTACT_N_FIELDS; i++)
		g_free (contact->fields[i]);
	g_free (contact->body);
	g_clear_pointer (&contact->categories, g_ptr_array_unref);
	g_clear_pointer (&contact->children, g_ptr_array_unref);
	g_free (contact);
}

/* ---- ApplicationData ---------------------------------------------------- */

/* Longest text element we keep (a Picture is checked separately): names,
 * numbers and addresses are short; 64 KiB leaves room for long streets. */
#define FIELD_MAX_BYTES (64u * 1024)

static gboolean
decode_field (EasContact *c, EasContactField f, const EasNode *node, GError **error)
{
	g_autofree char *label = eas_pim_tag_label (node->tag);
	gsize len = node->text != NULL ? strlen (node->text) : 0;
	gint64 t;

	if (node->first_child != NULL || node->opaque != NULL) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED, "%s: not text", label);
		return FALSE;
	}
	if (c->fields[f] != NULL) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED, "%s: given twice", label);
		return FALSE;
	}
	if (f == EAS_CONTACT_PICTURE && len > EAS_PIM_MAX_PICTURE_BASE64) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_PICTURE_TOO_LARGE,
		             "%s: larger than %u bytes", label, EAS_PIM_MAX_PICTURE_BASE64);
		return FALSE;
	}
	if (f != EAS_CONTACT_PICTURE && len > FIELD_MAX_BYTES) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT,
		             "%s: longer than %u bytes", label, FIELD_MAX_BYTES);
		return FALSE;
	}
	if ((f == EAS_CONTACT_BIRTHDAY || f == EAS_CONTACT_ANNIVERSARY) && len > 0 &&
	    !eas_pim_node_time (node, &t, error))
		return FALSE;
	c->fields[f] = g_strdup (node->text != NULL ? node->text : "");
	return TRUE;
}

static gboolean
decode_list (GPtrArray **slot, const EasNode *node, EasTag item, guint max, GError **error)
{
	GPtrArray *list;

	if (*slot != NULL) {
		g_autofree char *label = eas_pim_tag_label (node->tag);

		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED, "%s: given twice", label);
		return FALSE;
	}
	list = eas_pim_decode_list (node, item, max, error);
	if (list == NULL)
		return FALSE;
	*slot = list;
	return TRUE;
}

static gboolean
decode_body_25 (EasContact *c, const EasNode *node, GError **error)
{
	if (node->text != NULL && strlen (node->text) > EAS_PIM_MAX_BODY_BYTES) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT,
		             "Contacts:Body: longer than %u bytes", EAS_PIM_MAX_BODY_BYTES);
		return FALSE;
	}
	g_free (c->body);
	c->body = g_strdup (node->text != NULL ? node->text : "");
	c->body_type = 1;
	return TRUE;
}

static gboolean
decode_child (EasContact *c, const EasNode *node, EasVersion version, GError **error)
{
	int f;

	switch (node->tag) {
	case EAS_CONTACTS_CATEGORIES:
		return decode_list (&c->categories, node, EAS_CONTACTS_CATEGORY,
		                    EAS_PIM_MAX_CATEGORIES, error);
	case EAS_CONTACTS_CHILDREN:
		return decode_list (&c->children, node, EAS_CONTACTS_CHILD,
		                    EAS_PIM_MAX_CHILDREN, error);
	case EAS_CONTACTS_BODY:
		return version >= 120 || decode_body_25 (c, node, error);
	case EAS_AIRSYNCBASE_BODY:
		if (version < 120)
			return TRUE;
		g_clear_pointer (&c->body, g_free);
		return eas_pim_decode_body (node, &c->body, &c->body_type, error);
	default:
		break;
	}
	f = eas_contact_field_for_tag (node->tag);
	if (f < 0 || version < field_info[f].version)
		return TRUE;	/* other pages, or not in this version: ignored */
	return decode_field (c, (EasContactField) f, node, error);
}

EasContact *
eas_contact_decode (const EasNode *app_data, EasVersion version, GError **error)
{
	g_autoptr(EasContact) c = eas_contact_new ();

	g_return_val_if_fail (app_data != NULL, NULL);
	for (const EasNode *n = app_data->first_child; n != NULL; n = n->next) {
		if (!decode_child (c, n, version, error))
			return NULL;
	}
	return g_steal_pointer (&c);
}

void
eas_contact_encode (EasWbxmlWriter *writer, const EasContact *contact, EasVersion version)
{
	for (guint f = 0; f < EAS_CONTACT_N_FIELDS; f++) {
		const char *v = contact->fields[f];

		if (v == NULL || v[0] == '\0' || version < field_info[f].version)
			continue;
		eas_wbxml_writer_text_element (writer, field_info[f].tag, v);
	}
	if (contact->categories != NULL && contact->categories->len > 0)
		eas_pim_write_list (writer, EAS_CONTACTS_CATEGORIES, EAS_CONTACTS_CATEGORY,
		                    contact->categories);
	if (contact->children != NULL && contact->children->len > 0)
		eas_pim_write_list (writer, EAS_CONTACTS_CHILDREN, EAS_CONTACTS_CHILD,
		                    contact->children);
	eas_pim_write_body (writer, version, EAS_CONTACTS_BODY, contact->body, contact->body_type);
}

/* ---- Where each field lives in a vCard ---------------------------------- */

typedef enum {
	K_TEXT,		/* first property `prop`, its text */
	K_N,		/* component `arg` of N */
	K_ORG,		/* component `arg` of ORG */
	K_ADR,		/* component `arg` of the first ADR of kind `nth` */
	K_TEL,		/* `nth` TEL of class `arg` */
	K_EMAIL,	/* `nth` EMAIL */
	K_IMPP,		/* `nth` IMPP */
	K_DATE,		/* BDAY / ANNIVERSARY */
	K_PHOTO,
	K_RELATED,	/* first RELATED;TYPE=prop, as text */
} Kind;

typedef enum {
	TEL_NONE, TEL_BUSINESS, TEL_HOME, TEL_BUSINESS_FAX, TEL_HOME_FAX, TEL_MOBILE,
	TEL_CAR, TEL_PAGER, TEL_RADIO, TEL_ASSISTANT, TEL_COMPANY,
} TelClass;

typedef enum { ADR_NONE, ADR_WORK, ADR_HOME, ADR_OTHER } AdrKind;

typedef struct {
	Kind kind;
	const char *prop;
	int arg;
	int nth;
} Map;

/* RFC 6350 6.3.1 ADR components: pobox; ext; street; locality; region; code; country. */
#define ADR_STREET 2
#define ADR_CITY 3
#define ADR_STATE 4
#define ADR_CODE 5
#define ADR_COUNTRY 6

static const Map maps[EAS_CONTACT_N_FIELDS] = {
	[EAS_CONTACT_ANNIVERSARY] = { K_DATE, "ANNIVERSARY", 0, 0 },
	[EAS_CONTACT_ASSISTANT_NAME] = { K_TEXT, "X-ASSISTANT", 0, 0 },
	[EAS_CONTACT_ASSISTANT_PHONE_NUMBER] = { K_TEL, "TEL", TEL_ASSISTANT, 0 },
	[EAS_CONTACT_BIRTHDAY] = { K_DATE, "BDAY", 0, 0 },
	[EAS_CONTACT_BUSINESS2_PHONE_NUMBER] = { K_TEL, "TEL", TEL_BUSINESS, 1 },
	[EAS_CONTACT_BUSINESS_ADDRESS_CITY] = { K_ADR, "ADR", ADR_CITY, ADR_WORK },
	[EAS_CONTACT_BUSINESS_ADDRESS_COUNTRY] = { K_ADR, "ADR", ADR_COUNTRY, ADR_WORK },
	[EAS_CONTACT_BUSINESS_ADDRESS_POSTAL_CODE] = { K_ADR, "ADR", ADR_CODE, ADR_WORK },
	[EAS_CONTACT_BUSINESS_ADDRESS_STATE] = { K_ADR, "ADR", ADR_STATE, ADR_WORK },
	[EAS_CONTACT_BUSINESS_ADDRESS_STREET] = { K_ADR, "ADR", ADR_STREET, ADR_WORK },
	[EAS_CONTACT_BUSINESS_FAX_NUMBER] = { K_TEL, "TEL", TEL_BUSINESS_FAX, 0 },
	[EAS_CONTACT_BUSINESS_PHONE_NUMBER] = { K_TEL, "TEL", TEL_BUSINESS, 0 },
	[EAS_CONTACT_CAR_PHONE_NUMBER] = { K_TEL, "TEL", TEL_CAR, 0 },
	[EAS_CONTACT_COMPANY_NAME] = { K_ORG, "ORG", 0, 0 },
	[EAS_CONTACT_DEPARTMENT] = { K_ORG, "ORG", 1, 0 },
	[EAS_CONTACT_EMAIL1_ADDRESS] = { K_EMAIL, "EMAIL", 0, 0 },
	[EAS_CONTACT_EMAIL2_ADDRESS] = { K_EMAIL, "EMAIL", 0, 1 },
	[EAS_CONTACT_EMAIL3_ADDRESS] = { K_EMAIL, "EMAIL", 0, 2 },
	[EAS_CONTACT_FILE_AS] = { K_TEXT, "FN", 0, 0 },
	[EAS_CONTACT_FIRST_NAME] = { K_N, "N", 1, 0 },
	[EAS_CONTACT_HOME2_PHONE_NUMBER] = { K_TEL, "TEL", TEL_HOME, 1 },
	[EAS_CONTACT_HOME_ADDRESS_CITY] = { K_ADR, "ADR", ADR_CITY, ADR_HOME },
	[EAS_CONTACT_HOME_ADDRESS_COUNTRY] = { K_ADR, "ADR", ADR_COUNTRY, ADR_HOME },
	[EAS_CONTACT_HOME_ADDRESS_POSTAL_CODE] = { K_ADR, "ADR", ADR_CODE, ADR_HOME },
	[EAS_CONTACT_HOME_ADDRESS_STATE] = { K_ADR, "ADR", ADR_STATE, ADR_HOME },
	[EAS_CONTACT_HOME_ADDRESS_STREET] = { K_ADR, "ADR", ADR_STREET, ADR_HOME },
	[EAS_CONTACT_HOME_FAX_NUMBER] = { K_TEL, "TEL", TEL_HOME_FAX, 0 },
	[EAS_CONTACT_HOME_PHONE_NUMBER] = { K_TEL, "TEL", TEL_HOME, 0 },
	[EAS_CONTACT_JOB_TITLE] = { K_TEXT, "TITLE", 0, 0 },
	[EAS_CONTACT_LAST_NAME] = { K_N, "N", 0, 0 },
	[EAS_CONTACT_MIDDLE_NAME] = { K_N, "N", 2, 0 },
	[EAS_CONTACT_MOBILE_PHONE_NUMBER] = { K_TEL, "TEL", TEL_MOBILE, 0 },
	[EAS_CONTACT_OFFICE_LOCATION] = { K_TEXT, "X-OFFICE-LOCATION", 0, 0 },
	[EAS_CONTACT_OTHER_ADDRESS_CITY] = { K_ADR, "ADR", ADR_CITY, ADR_OTHER },
	[EAS_CONTACT_OTHER_ADDRESS_COUNTRY] = { K_ADR, "ADR", ADR_COUNTRY, ADR_OTHER },
	[EAS_CONTACT_OTHER_ADDRESS_POSTAL_CODE] = { K_ADR, "ADR", ADR_CODE, ADR_OTHER },
	[EAS_CONTACT_OTHER_ADDRESS_STATE] = { K_ADR, "ADR", ADR_STATE, ADR_OTHER },
	[EAS_CONTACT_OTHER_ADDRESS_STREET] = { K_ADR, "ADR", ADR_STREET, ADR_OTHER },
	[EAS_CONTACT_PAGER_NUMBER] = { K_TEL, "TEL", TEL_PAGER, 0 },
	[EAS_CONTACT_RADIO_PHONE_NUMBER] = { K_TEL, "TEL", TEL_RADIO, 0 },
	[EAS_CONTACT_SPOUSE] = { K_RELATED, "spouse", 0, 0 },
	[EAS_CONTACT_SUFFIX] = { K_N, "N", 4, 0 },
	[EAS_CONTACT_TITLE] = { K_N, "N", 3, 0 },
	[EAS_CONTACT_WEB_PAGE] = { K_TEXT, "URL", 0, 0 },
	[EAS_CONTACT_YOMI_COMPANY_NAME] = { K_TEXT, "X-PHONETIC-ORG", 0, 0 },
	[EAS_CONTACT_YOMI_FIRST_NAME] = { K_TEXT, "X-PHONETIC-FIRST-NAME", 0, 0 },
	[EAS_CONTACT_YOMI_LAST_NAME] = { K_TEXT, "X-PHONETIC-LAST-NAME", 0, 0 },
	[EAS_CONTACT_PICTURE] = { K_PHOTO, "PHOTO", 0, 0 },
	[EAS_CONTACT_ALIAS] = { K_TEXT, "X-ALIAS", 0, 0 },
	[EAS_CONTACT_WEIGHTED_RANK] = { K_TEXT, "X-WEIGHTED-RANK", 0, 0 },
	[EAS_CONTACT_CUSTOMER_ID] = { K_TEXT, "X-CUSTOMER-ID", 0, 0 },
	[EAS_CONTACT_GOVERNMENT_ID] = { K_TEXT, "X-GOVERNMENT-ID", 0, 0 },
	[EAS_CONTACT_IM_ADDRESS] = { K_IMPP, "IMPP", 0, 0 },
	[EAS_CONTACT_IM_ADDRESS2] = { K_IMPP, "IMPP", 0, 1 },
	[EAS_CONTACT_IM_ADDRESS3] = { K_IMPP, "IMPP", 0, 2 },
	[EAS_CONTACT_MANAGER_NAME] = { K_TEXT, "X-MANAGER", 0, 0 },
	[EAS_CONTACT_COMPANY_MAIN_PHONE] = { K_TEL, "TEL", TEL_COMPANY, 0 },
	[EAS_CONTACT_ACCOUNT_NAME] = { K_TEXT, "X-ACCOUNT-NAME", 0, 0 },
	[EAS_CONTACT_NICK_NAME] = { K_TEXT, "NICKNAME", 0, 0 },
	[EAS_CONTACT_MMS] = { K_TEXT, "X-MMS", 0, 0 },
};

/* TYPE values written for a new TEL of each class. */
static const char *const tel_types[][3] = {
	[TEL_NONE] = { NULL },
	[TEL_BUSINESS] = { "work", "voice", NULL },
	[TEL_HOME] = { "home", "voice", NULL },
	[TEL_BUSINESS_FAX] = { "work", "fax", NULL },
	[TEL_HOME_FAX] = { "home", "fax", NULL },
	[TEL_MOBILE] = { "cell", NULL },
	[TEL_CAR] = { "car", NULL },
	[TEL_PAGER] = { "pager", NULL },
	[TEL_RADIO] = { "x-radio", NULL },
	[TEL_ASSISTANT] = { "x-assistant", NULL },
	[TEL_COMPANY] = { "x-company-main", NULL },
};

static TelClass
tel_class (const EasVCardProperty *p)
{
	gboolean work = eas_vcard_property_has_type (p, "work");
	gboolean home = eas_vcard_property_has_type (p, "home");

	if (eas_vcard_property_has_type (p, "fax"))
		return work ? TEL_BUSINESS_FAX : home ? TEL_HOME_FAX : TEL_NONE;
	if (eas_vcard_property_has_type (p, "pager"))
		return TEL_PAGER;
	if (eas_vcard_property_has_type (p, "cell"))
		return TEL_MOBILE;
	if (eas_vcard_property_has_type (p, "car"))
		return TEL_CAR;
	if (eas_vcard_property_has_type (p, "x-radio"))
		return TEL_RADIO;
	if (eas_vcard_property_has_type (p, "x-assistant"))
		return TEL_ASSISTANT;
	if (eas_vcard_property_has_type (p, "x-company-main"))
		return TEL_COMPANY;
	return work ? TEL_BUSINESS : home ? TEL_HOME : TEL_NONE;
}

static AdrKind
adr_kind (const EasVCardProperty *p)
{
	if (eas_vcard_property_has_type (p, "work"))
		return ADR_WORK;
	if (eas_vcard_property_has_type (p, "home"))
		return ADR_HOME;
	return ADR_OTHER;	/* "other" or untyped */
}

static gboolean
prop_matches (const EasVCardProperty *p, const Map *m)
{
	if (g_ascii_strcasecmp (p->name, m->kind == K_RELATED ? "RELATED" : m->prop) != 0)
		return FALSE;
	switch (m->kind) {
	case K_TEL:
		return tel_class (p) == (TelClass) m->arg;
	case K_ADR:
		return adr_kind (p) == (AdrKind) m->nth;
	case K_RELATED:
		return eas_vcard_property_has_type (p, m->prop);
	default:
		return TRUE;
	}
}

/* The property holding field f, or NULL. */
static EasVCardProperty *
resolve (const EasVCard *card, EasContactField f)
{
	const Map *m = &maps[f];
	int want = (m->kind == K_TEL || m->kind == K_EMAIL || m->kind == K_IMPP) ? m->nth : 0;

	for (guint i = 0; i < card->properties->len; i++) {
		EasVCardProperty *p = g_ptr_array_index (card->properties, i);

		if (prop_matches (p, m) && want-- == 0)
			return p;
	}
	return NULL;
}

static gboolean
is_structured (Kind k)
{
	return k == K_N || k == K_ORG || k == K_ADR;
}

static guint
n_components (Kind k)
{
	return k == K_N ? 5 : k == K_ADR ? 7 : 2;
}

/* "tel:+49…" → "+49…" (vCard 4 TEL is a URI by default). */
static char *
tel_text (const EasVCardProperty *p)
{
	if (g_ascii_strncasecmp (p->value, "tel:", 4) == 0)
		return g_strdup (p->value + 4);
	return eas_vcard_property_get_text (p);
}

/* ---- Dates: EAS date-time ⇄ vCard date ---------------------------------- */

/* Devices send a birthday as local midnight in UTC: 1980-01-01T23:00Z
 * from Berlin means 2 January.  Times from 13:00 on are taken as the next
 * day (zones east of UTC); we send 12:00Z, which is the same date in
 * UTC−11 … UTC+11. */
static char *
date_to_vcard (const char *eas)
{
	gint64 t;
	g_autoptr(GDateTime) dt = NULL;

	if (!eas_pim_parse_time (eas, &t))
		return NULL;
	dt = g_date_time_new_from_unix_utc (t);
	if (g_date_time_get_hour (dt) >= 13) {
		GDateTime *next = g_date_time_add_days (dt, 1);
		g_date_time_unref (dt);
		dt = next;
	}
	return g_date_time_format (dt, "%Y%m%d");
}

static char *
date_from_vcard (const char *v)
{
	guint64 y, mo, d;
	char buf[9];
	gsize j = 0;

	/* "19800102", "1980-01-02", optionally followed by a time. */
	for (const char *p = v; *p != '\0' && *p != 'T' && j < 8; p++) {
		if (g_ascii_isdigit (*p))
			buf[j++] = *p;
		else if (*p != '-')
			return NULL;
	}
	if (j != 8)
		return NULL;
	buf[8] = '\0';
	if (!g_ascii_string_to_unsigned (buf + 6, 10, 1, 31, &d, NULL))
		return NULL;
	buf[6] = '\0';
	if (!g_ascii_string_to_unsigned (buf + 4, 10, 1, 12, &mo, NULL))
		return NULL;
	buf[4] = '\0';
	if (!g_ascii_string_to_unsigned (buf, 10, 1601, 9999, &y, NULL) ||
	    !g_date_valid_dmy ((GDateDay) d, (GDateMonth) mo, (GDateYear) y))
		return NULL;
	return g_strdup_printf ("%04u-%02u-%02uT12:00:00.000Z", (guint) y, (guint) mo, (guint) d);
}

/* ---- Photo ------------------------------------------------------------ */

static char *
photo_base64 (const EasVCardProperty *p)
{
	const char *comma;

	if (g_ascii_strncasecmp (p->value, "data:", 5) == 0) {
		comma = strchr (p->value, ',');
		if (comma == NULL || strstr (p->value, ";base64,") == NULL)
			return NULL;
		return g_strdup (comma + 1);
	}
	if (eas_vcard_property_get_param (p, "ENCODING") != NULL)
		return g_strdup (p->value);
	return NULL;	/* a URL: nothing the device can show */
}

static const char *
photo_media_type (const char *b64)
{
	/* Base64 of the JPEG (FF D8 FF), PNG (89 50 4E 47) and GIF signatures. */
	if (g_str_has_prefix (b64, "iVBORw0KGgo"))
		return "image/png";
	if (g_str_has_prefix (b64, "R0lGOD"))
		return "image/gif";
	return "image/jpeg";
}

/* ---- Reading and writing one field ---------------------------------------- */

static char *
component (const EasVCardProperty *p, guint idx)
{
	g_auto(GStrv) parts = eas_vcard_split (p->value, ';');

	if (idx >= g_strv_length (parts))
		return g_strdup ("");
	return g_strdup (parts[idx]);
}

static char *
get_field (const EasVCard *card, EasContactField f)
{
	const Map *m = &maps[f];
	EasVCardProperty *p = resolve (card, f);
	g_autofree char *v = NULL;

	if (p == NULL)
		return NULL;
	switch (m->kind) {
	case K_N:
	case K_ORG:
	case K_ADR:
		v = component (p, (guint) m->arg);
		break;
	case K_TEL:
		v = tel_text (p);
		break;
	case K_DATE:
		v = date_from_vcard (p->value);
		break;
	case K_PHOTO:
		v = photo_base64 (p);
		break;
	default:
		v = eas_vcard_property_get_text (p);
		break;
	}
	if (v == NULL || v[0] == '\0')
		return NULL;
	return g_steal_pointer (&v);
}

static EasVCardProperty *
create_prop (EasVCard *card, EasContactField f)
{
	const Map *m = &maps[f];
	EasVCardProperty *p;

	if (m->kind == K_RELATED) {
		p = eas_vcard_add (card, "RELATED", "");
		eas_vcard_property_add_param (p, "TYPE", m->prop);
		eas_vcard_property_add_param (p, "VALUE", "text");
		return p;
	}
	p = eas_vcard_add (card, m->prop, "");
	if (m->kind == K_TEL) {
		for (guint i = 0; tel_types[m->arg][i] != NULL; i++)
			eas_vcard_property_add_param (p, "TYPE", tel_types[m->arg][i]);
	} else if (m->kind == K_ADR) {
		static const char *const adr_types[] = { NULL, "work", "home", "other" };
		eas_vcard_property_add_param (p, "TYPE", adr_types[m->nth]);
	} else if (m->kind == K_EMAIL) {
		eas_vcard_property_add_param (p, "TYPE", "internet");
	}
	return p;
}

static void
set_component (EasVCardProperty *p, Kind kind, guint idx, const char *value)
{
	g_auto(GStrv) parts = eas_vcard_split (p->value, ';');
	guint n = MAX (g_strv_length (parts), n_components (kind));
	g_autoptr(GPtrArray) all = g_ptr_array_new ();

	for (guint i = 0; i < n; i++) {
		const char *cur = i < g_strv_length (parts) ? parts[i] : "";
		g_ptr_array_add (all, (gpointer) (i == idx ? value : cur));
	}
	g_free (p->value);
	p->value = eas_vcard_join ((const char *const *) all->pdata, all->len, ';');
}

static gboolean
all_components_empty (const EasVCardProperty *p)
{
	for (const char *c = p->value; *c != '\0'; c++) {
		if (*c != ';')
			return FALSE;
	}
	return TRUE;
}

/* The address inside "Name <addr>", lower-cased, for comparisons. */
static char *
email_key (const char *v)
{
	const char *lt = strrchr (v, '<');
	const char *gt = lt != NULL ? strchr (lt, '>') : NULL;
	g_autofree char *addr = NULL;

	if (lt != NULL && gt != NULL)
		addr = g_strndup (lt + 1, (gsize) (gt - lt - 1));
	else
		addr = g_strdup (v);
	return g_ascii_strdown (g_strstrip (addr), -1);
}

/* Digits and '+' only: "+49 (30) 1234" equals "+49301234". */
static char *
tel_key (const char *v)
{
	GString *s = g_string_new (NULL);

	for (const char *p = v; *p != '\0'; p++) {
		if (g_ascii_isdigit (*p) || *p == '+')
			g_string_append_c (s, *p);
	}
	return g_string_free (s, FALSE);
}

/* TRUE when value says the same as what the property holds, so that the
 * property (with its types and parameters) is kept as it is. */
static gboolean
same_value (const EasVCardProperty *p, EasContactField f, const char *value)
{
	g_autofree char *have = NULL;
	g_autofree char *a = NULL;
	g_autofree char *b = NULL;

	switch (maps[f].kind) {
	case K_EMAIL:
		have = eas_vcard_property_get_text (p);
		a = email_key (have);
		b = email_key (value);
		return g_strcmp0 (a, b) == 0;
	case K_TEL:
		have = tel_text (p);
		a = tel_key (have);
		b = tel_key (value);
		return a[0] != '\0' && g_strcmp0 (a, b) == 0;
	case K_DATE:
		a = date_from_vcard (p->value);
		b = date_to_vcard (value);
		have = b != NULL ? date_from_vcard (b) : NULL;
		return a != NULL && g_strcmp0 (a, have) == 0;
	case K_PHOTO:
		have = photo_base64 (p);
		return g_strcmp0 (have, value) == 0;
	default:
		return FALSE;
	}
}

static void
remove_type_params (EasVCardProperty *p)
{
	for (guint i = p->params->len; i > 0; i--) {
		EasVCardParam *param = g_ptr_array_index (p->params, i - 1);

		if (g_ascii_strcasecmp (param->name, "TYPE") == 0 ||
		    g_ascii_strcasecmp (param->name, "PREF") == 0)
			g_ptr_array_remove_index (p->params, i - 1);
	}
}

/* Replaces the value of a simple (non-structured) property. */
static void
set_photo (EasVCardProperty *p, const char *value, gboolean v4)
{
	const char *media = photo_media_type (value);

	g_ptr_array_set_size (p->params, 0);
	if (v4) {
		p->value = g_strdup_printf ("data:%s;base64,%s", media, value);
		return;
	}
	/* RFC 2426 3.1.4: PHOTO;ENCODING=b;TYPE=JPEG:… */
	eas_vcard_property_add_param (p, "ENCODING", "b");
	eas_vcard_property_add_param (p, "TYPE", strchr (media, '/') + 1);
	p->value = g_strdup (value);
}

static void
set_simple (EasVCardProperty *p, EasContactField f, const char *value, gboolean v4)
{
	g_autofree char *date = NULL;

	g_free (p->value);
	switch (maps[f].kind) {
	case K_DATE:
		date = date_to_vcard (value);
		p->value = g_strdup (date != NULL ? date : "");
		break;
	case K_PHOTO:
		set_photo (p, value, v4);
		break;
	case K_EMAIL:
		/* A new address: the old one's types described something else. */
		remove_type_params (p);
		eas_vcard_property_add_param (p, "TYPE", "internet");
		p->value = eas_vcard_escape (value);
		break;
	default:
		p->value = eas_vcard_escape (value);
		break;
	}
}

/* ---- Merge ---------------------------------------------------------------- */

typedef enum { ACT_KEEP, ACT_SET, ACT_CLEAR } Action;

static gboolean
tag_supported (EasTag tag, const EasTag *supported, gsize n)
{
	for (gsize i = 0; i < n; i++) {
		if (supported[i] == tag)
			return TRUE;
	}
	return FALSE;
}

static Action
action_for (const char *value, gboolean in_version, gboolean supported)
{
	if (!in_version)
		return ACT_KEEP;
	if (value == NULL)
		return supported ? ACT_CLEAR : ACT_KEEP;
	return value[0] == '\0' ? ACT_CLEAR : ACT_SET;
}

typedef struct {
	EasVCard *card;
	GPtrArray *doomed;	/* properties to remove at the end */
	GPtrArray *touched;	/* structured properties whose components changed */
} Merge;

static EasVCardProperty *
shared_new_prop (Merge *mg, EasContactField f, EasVCardProperty **created)
{
	const Map *m = &maps[f];
	int slot = m->kind == K_N ? 0 : m->kind == K_ORG ? 1 : 1 + m->nth;

	if (created[slot] == NULL)
		created[slot] = create_prop (mg->card, f);
	return created[slot];
}

static void
apply_field (Merge *mg, EasContactField f, Action act, const char *value,
             EasVCardProperty *target, EasVCardProperty **created)
{
	const Map *m = &maps[f];

	if (is_structured (m->kind)) {
		if (target == NULL && act == ACT_CLEAR)
			return;
		if (target == NULL)
			target = shared_new_prop (mg, f, created);
		set_component (target, m->kind, (guint) m->arg, act == ACT_SET ? value : "");
		g_ptr_array_add (mg->touched, target);
		return;
	}
	if (act == ACT_CLEAR) {
		if (target != NULL)
			g_ptr_array_add (mg->doomed, target);
		return;
	}
	if (target != NULL && same_value (target, f, value))
		return;	/* unchanged: keep its types and parameters */
	if (target == NULL)
		target = create_prop (mg->card, f);
	set_simple (target, f, value, g_strcmp0 (mg->card->version, "4.0") == 0);
}

static int
slot_rank (EasContactField f)
{
	Kind k = maps[f].kind;

	return (k == K_TEL || k == K_EMAIL || k == K_IMPP) ? maps[f].nth : 0;
}

static void
apply_fields (Merge *mg, const EasContact *change, EasVersion version,
              const EasTag *supported, gsize n_supported)
{
	EasVCardProperty *targets[EAS_CONTACT_N_FIELDS];
	EasVCardProperty *created[5] = { NULL };

	/* Resolve every target first: clearing Business must not make
	 * Business2 the first work phone before Business2 is applied. */
	for (guint f = 0; f < EAS_CONTACT_N_FIELDS; f++)
		targets[f] = resolve (mg->card, (EasContactField) f);
	/* New properties are appended: create Business before Business2 and
	 * Email1 before Email2 so that they read back in the same slots. */
	for (int rank = 0; rank < 3; rank++) {
		for (guint f = 0; f < EAS_CONTACT_N_FIELDS; f++) {
			gboolean in_version = version >= field_info[f].version;
			Action act;

			if (slot_rank ((EasContactField) f) != rank)
				continue;
			act = action_for (change->fields[f], in_version,
			                  tag_supported (field_info[f].tag, supported, n_supported));
			if (act != ACT_KEEP)
				apply_field (mg, (EasContactField) f, act, change->fields[f], targets[f], created);
		}
	}
}

static void
apply_list (EasVCard *card, const GPtrArray *list, Action act, gboolean children)
{
	if (act == ACT_KEEP)
		return;
	if (children) {
		for (guint i = card->properties->len; i > 0; i--) {
			EasVCardProperty *p = g_ptr_array_index (card->properties, i - 1);

			if (g_ascii_strcasecmp (p->name, "RELATED") == 0 &&
			    eas_vcard_property_has_type (p, "child"))
				g_ptr_array_remove_index (card->properties, i - 1);
		}
		for (guint i = 0; act == ACT_SET && i < list->len; i++) {
			EasVCardProperty *p = eas_vcard_add_text (card, "RELATED", g_ptr_array_index (list, i));
			eas_vcard_property_add_param (p, "TYPE", "child");
			eas_vcard_property_add_param (p, "VALUE", "text");
		}
		return;
	}
	eas_vcard_remove_all (card, "CATEGORIES");
	if (act == ACT_SET) {
		g_autofree char *v = eas_vcard_join ((const char *const *) list->pdata, list->len, ',');
		eas_vcard_add (card, "CATEGORIES", v);
	}
}

static Action
list_action (const GPtrArray *list, EasTag tag, const EasTag *supported, gsize n)
{
	if (list == NULL)
		return tag_supported (tag, supported, n) ? ACT_CLEAR : ACT_KEEP;
	return list->len == 0 ? ACT_CLEAR : ACT_SET;
}

static void
apply_body (EasVCard *card, const EasContact *change, EasVersion version,
            const EasTag *supported, gsize n)
{
	EasTag tag = version >= 120 ? EAS_AIRSYNCBASE_BODY : EAS_CONTACTS_BODY;
	const char *body = change->body;
	EasVCardProperty *note;

	/* Only plain text maps to NOTE; HTML/RTF notes stay as they are. */
	if (body != NULL && change->body_type != 1)
		return;
	if (action_for (body, TRUE, tag_supported (tag, supported, n)) == ACT_KEEP)
		return;
	note = eas_vcard_get (card, "NOTE");
	if (body == NULL || body[0] == '\0') {
		eas_vcard_remove_all (card, "NOTE");
	} else if (note != NULL) {
		g_free (note->value);
		note->value = eas_vcard_escape (body);
	} else {
		eas_vcard_add_text (card, "NOTE", body);
	}
}

static char *
compose_fn (const EasVCard *card)
{
	static const EasContactField order[] = {
		EAS_CONTACT_FIRST_NAME, EAS_CONTACT_MIDDLE_NAME, EAS_CONTACT_LAST_NAME,
	};
	GString *s = g_string_new (NULL);

	for (guint i = 0; i < G_N_ELEMENTS (order); i++) {
		g_autofree char *v = get_field (card, order[i]);

		if (v == NULL)
			continue;
		if (s->len > 0)
			g_string_append_c (s, ' ');
		g_string_append (s, v);
	}
	if (s->len == 0) {
		g_autofree char *org = get_field (card, EAS_CONTACT_COMPANY_NAME);
		g_autofree char *mail = get_field (card, EAS_CONTACT_EMAIL1_ADDRESS);

		g_string_append (s, org != NULL ? org : mail != NULL ? mail : "");
	}
	return g_string_free (s, FALSE);
}

EasVCard *
eas_contact_merge (const EasVCard *stored, const EasContact *change,
                   EasVersion version, const EasTag *supported, gsize n_supported)
{
	g_autoptr(GPtrArray) doomed = g_ptr_array_new ();
	g_autoptr(GPtrArray) touched = g_ptr_array_new ();
	EasVCard *card;
	Merge mg;

	g_return_val_if_fail (change != NULL, NULL);
	card = stored != NULL ? eas_vcard_copy (stored) : eas_vcard_new ("4.0");
	mg = (Merge) { card, doomed, touched };
	apply_fields (&mg, change, version, supported, n_supported);
	apply_list (card, change->categories,
	            list_action (change->categories, EAS_CONTACTS_CATEGORIES, supported, n_supported), FALSE);
	apply_list (card, change->children,
	            list_action (change->children, EAS_CONTACTS_CHILDREN, supported, n_supported), TRUE);
	apply_body (card, change, version, supported, n_supported);
	for (guint i = 0; i < touched->len; i++) {
		EasVCardProperty *p = g_ptr_array_index (touched, i);

		if (all_components_empty (p) && !g_ptr_array_find (doomed, p, NULL))
			g_ptr_array_add (doomed, p);
	}
	for (guint i = 0; i < doomed->len; i++)
		g_ptr_array_remove (card->properties, g_ptr_array_index (doomed, i));
	/* RFC 6350 6.2.1: FN is required. */
	if (eas_vcard_get (card, "FN") == NULL) {
		g_autofree char *fn = compose_fn (card);
		eas_vcard_add_text (card, "FN", fn);
	}
	return card;
}

EasVCard *
eas_contact_to_vcard (const EasContact *contact)
{
	return eas_contact_merge (NULL, contact, G_MAXUINT, NULL, 0);
}

static GPtrArray *
children_from_vcard (const EasVCard *card)
{
	GPtrArray *list = NULL;

	for (guint i = 0; i < card->properties->len; i++) {
		EasVCardProperty *p = g_ptr_array_index (card->properties, i);

		if (g_ascii_strcasecmp (p->name, "RELATED") != 0 ||
		    !eas_vcard_property_has_type (p, "child"))
			continue;
		if (list == NULL)
			list = g_ptr_array_new_with_free_func (g_free);
		if (list->len < EAS_PIM_MAX_CHILDREN)
			g_ptr_array_add (list, eas_vcard_property_get_text (p));
	}
	return list;
}

static GPtrArray *
categories_from_vcard (const EasVCard *card)
{
	GPtrArray *list = NULL;

	for (guint i = 0; i < card->properties->len; i++) {
		EasVCardProperty *p = g_ptr_array_index (card->properties, i);
		g_auto(GStrv) parts = NULL;

		if (g_ascii_strcasecmp (p->name, "CATEGORIES") != 0)
			continue;
		parts = eas_vcard_split (p->value, ',');
		if (list == NULL)
			list = g_ptr_array_new_with_free_func (g_free);
		for (guint j = 0; parts[j] != NULL && list->len < EAS_PIM_MAX_CATEGORIES; j++) {
			if (parts[j][0] != '\0')
				g_ptr_array_add (list, g_strdup (parts[j]));
		}
	}
	return list;
}

EasContact *
eas_contact_from_vcard (const EasVCard *card)
{
	EasContact *c = eas_contact_new ();
	EasVCardProperty *note = eas_vcard_get (card, "NOTE");

	for (guint f = 0; f < EAS_CONTACT_N_FIELDS; f++)
		c->fields[f] = get_field (card, (EasContactField) f);
	/* Pictures beyond the EAS limit are not sent ([MS-ASCNTC] 2.2.2.58). */
	if (c->fields[EAS_CONTACT_PICTURE] != NULL &&
	    strlen (c->fields[EAS_CONTACT_PICTURE]) > EAS_PIM_MAX_PICTURE_BASE64)
		g_clear_pointer (&c->fields[EAS_CONTACT_PICTURE], g_free);
	c->categories = categories_from_vcard (card);
	c->children = children_from_vcard (card);
	if (note != NULL)
		c->body = eas_vcard_property_get_text (note);
	return c;
}
