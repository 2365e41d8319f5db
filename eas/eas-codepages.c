/* eas-codepages.c — lookup tables built from eas-codepages.def. */
#include "config.h"

#include <string.h>

#include "eas/eas-codepages.h"

static const char *const page_names[EAS_CODEPAGE_COUNT] = {
#define EAS_CODEPAGE(num, PREFIX, ns_name) [num] = ns_name,
#define EAS_CODEPAGE_TAG(num, PREFIX, token, NAME, name)
#include "eas/eas-codepages.def"
#undef EAS_CODEPAGE
#undef EAS_CODEPAGE_TAG
};

/* Tokens run 0x05..0x3F on each page: a flat [page][token] table. */
static const char *const tag_names[EAS_CODEPAGE_COUNT][0x40] = {
#define EAS_CODEPAGE(num, PREFIX, ns_name)
#define EAS_CODEPAGE_TAG(num, PREFIX, token, NAME, name) [num][token] = name,
#include "eas/eas-codepages.def"
#undef EAS_CODEPAGE
#undef EAS_CODEPAGE_TAG
};

const char *
eas_codepage_name (guint page)
{
	return page < EAS_CODEPAGE_COUNT ? page_names[page] : NULL;
}

int
eas_codepage_lookup (const char *name)
{
	g_return_val_if_fail (name != NULL, -1);
	gsize len = strlen (name);

	if (len > 0 && name[len - 1] == ':')
		len--;
	for (guint i = 0; i < EAS_CODEPAGE_COUNT; i++) {
		/* ASCII case-insensitive: libwbxml writes "Gal:" for "GAL:". */
		if (page_names[i] != NULL && strlen (page_names[i]) == len &&
		    g_ascii_strncasecmp (page_names[i], name, len) == 0)
			return (int) i;
	}
	return -1;
}

const char *
eas_tag_name (EasTag tag)
{
	guint page = EAS_TAG_PAGE (tag);

	if (page >= EAS_CODEPAGE_COUNT || (tag & 0xC0) != 0)
		return NULL;
	return tag_names[page][EAS_TAG_TOKEN (tag)];
}

gboolean
eas_tag_is_known (EasTag tag)
{
	return eas_tag_name (tag) != NULL;
}

gboolean
eas_tag_lookup (guint page, const char *name, EasTag *out_tag)
{
	g_return_val_if_fail (name != NULL, FALSE);

	if (page >= EAS_CODEPAGE_COUNT)
		return FALSE;
	for (guint t = 0x05; t < 0x40; t++) {
		if (tag_names[page][t] != NULL && strcmp (tag_names[page][t], name) == 0) {
			if (out_tag != NULL)
				*out_tag = EAS_TAG (page, t);
			return TRUE;
		}
	}
	return FALSE;
}
