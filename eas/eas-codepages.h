/* eas-codepages.h — EAS WBXML code pages 0–25 and their tags ([MS-ASWBXML] 2.1.2.1).
 *
 * The one table is eas/eas-codepages.def (X-macros); this header turns it
 * into constants and eas-codepages.c into lookup tables.
 *
 * A tag is (page << 8) | token, token in 0x05..0x3F.  Constants are named
 * EAS_<PAGE>_<ELEMENT>, element names in UPPER_SNAKE form of the spec's name:
 *   EAS_AIRSYNC_SYNC_KEY          AirSync:SyncKey            (page 0, 0x0B)
 *   EAS_FOLDERHIERARCHY_FOLDER_SYNC  FolderHierarchy:FolderSync (page 7, 0x16)
 * Page prefixes:
 *   0 AIRSYNC  1 CONTACTS  2 EMAIL  3 AIRNOTIFY  4 CALENDAR  5 MOVE
 *   6 GETITEMESTIMATE  7 FOLDERHIERARCHY  8 MEETINGRESPONSE  9 TASKS
 *   10 RESOLVERECIPIENTS  11 VALIDATECERT  12 CONTACTS2  13 PING  14 PROVISION
 *   15 SEARCH  16 GAL  17 AIRSYNCBASE  18 SETTINGS  19 DOCUMENTLIBRARY
 *   20 ITEMOPERATIONS  21 COMPOSEMAIL  22 EMAIL2  23 NOTES  24 RIGHTSMANAGEMENT
 *   25 FIND
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef guint16 EasTag;

#define EAS_TAG(page, token) ((EasTag) (((page) << 8) | (token)))
#define EAS_TAG_PAGE(tag) ((guint) ((tag) >> 8))
#define EAS_TAG_TOKEN(tag) ((guint) ((tag) & 0x3F))

#define EAS_CODEPAGE_COUNT 26

enum {
#define EAS_CODEPAGE(num, PREFIX, ns_name) EAS_PAGE_##PREFIX = (num),
#define EAS_CODEPAGE_TAG(num, PREFIX, token, NAME, name) EAS_##PREFIX##_##NAME = EAS_TAG ((num), (token)),
#include "eas/eas-codepages.def"
#undef EAS_CODEPAGE
#undef EAS_CODEPAGE_TAG
};

/* Namespace name of a page as the spec writes it ("AirSync", "FolderHierarchy"),
 * or NULL when page >= EAS_CODEPAGE_COUNT. */
const char *eas_codepage_name (guint page);
/* Page number for a namespace name (also accepts a trailing ':'; ASCII
 * case-insensitive), or -1. */
int eas_codepage_lookup (const char *name);

/* Element name ("SyncKey"), or NULL for a page/token pair not in the table. */
const char *eas_tag_name (EasTag tag);
/* Looks up a tag by page and element name; FALSE when unknown. */
gboolean eas_tag_lookup (guint page, const char *name, EasTag *out_tag);
/* TRUE when the page/token pair is a known tag. */
gboolean eas_tag_is_known (EasTag tag);

G_END_DECLS
