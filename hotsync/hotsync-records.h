/* Palm record codecs: record attributes, the category block that opens every
 * AppInfo, MemoDB and ToDoDB records and AppInfo blocks.
 *
 * Decoders take the record bytes as the handheld sends them (DLP record data)
 * and give UTF-8 (hotsync-text.h); encoders convert back, replacing
 * characters Windows-1252 lacks by '?'.  Records above HOTSYNC_RECORD_MAX_SIZE
 * are refused both ways.  All structs are plain data owned by the caller and
 * freed with their _free function.
 *
 * Errors: HOTSYNC_RECORD_ERROR. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HOTSYNC_RECORD_ERROR (hotsync_record_error_quark ())
GQuark hotsync_record_error_quark (void);

typedef enum {
	HOTSYNC_RECORD_ERROR_TRUNCATED,  /* shorter than its layout */
	HOTSYNC_RECORD_ERROR_TOO_LONG,   /* above HOTSYNC_RECORD_MAX_SIZE */
	HOTSYNC_RECORD_ERROR_INVALID,    /* a field out of range, invalid UTF-8 */
} HotsyncRecordError;

/* Record attribute byte (DLP); the category travels in its own byte. */
#define HOTSYNC_RECORD_ATTR_DELETED 0x80
#define HOTSYNC_RECORD_ATTR_DIRTY 0x40
#define HOTSYNC_RECORD_ATTR_BUSY 0x20
#define HOTSYNC_RECORD_ATTR_SECRET 0x10
#define HOTSYNC_RECORD_ATTR_ARCHIVED 0x08

#define HOTSYNC_CATEGORY_COUNT 16
#define HOTSYNC_CATEGORY_NAME_LEN 16   /* 15 bytes and a NUL */
#define HOTSYNC_CATEGORY_BLOCK_LEN 278
#define HOTSYNC_CATEGORY_UNFILED 0
/* Category ids made on the desktop are 128–255. */
#define HOTSYNC_CATEGORY_ID_DESKTOP_FIRST 128

typedef struct {
	guint16 renamed;                          /* bit i: name i renamed */
	char *names[HOTSYNC_CATEGORY_COUNT];      /* UTF-8, "" when unused */
	guint8 ids[HOTSYNC_CATEGORY_COUNT];
	guint8 last_unique_id;
} HotsyncCategories;

void hotsync_categories_clear (HotsyncCategories *cats);

/* Decodes the 278-byte block at the start of data (more may follow). */
gboolean hotsync_categories_decode (const guint8      *data,
                                    gsize              len,
                                    HotsyncCategories *out_cats,
                                    GError           **error);
/* Appends the 278-byte block.  A name longer than 15 bytes in
 * Windows-1252 is cut at a character boundary.  Fails on invalid UTF-8. */
gboolean hotsync_categories_encode (const HotsyncCategories *cats, GByteArray *out, GError **error);
/* Index of a category by name (case-sensitive), or -1. */
int hotsync_categories_find (const HotsyncCategories *cats, const char *name);

/* ---- MemoDB ---- */

typedef struct {
	HotsyncCategories categories;
	guint16 reserved;
	gboolean sort_by_alpha;
} HotsyncMemoAppInfo;

void hotsync_memo_app_info_free (HotsyncMemoAppInfo *info);
/* Older ROMs end the block after the categories: sort_by_alpha is then FALSE. */
HotsyncMemoAppInfo *hotsync_memo_app_info_decode (const guint8 *data, gsize len, GError **error);
GBytes *hotsync_memo_app_info_encode (const HotsyncMemoAppInfo *info, GError **error);

/* A memo is one NUL-terminated string; its first line is the title.  A
 * record without the NUL is accepted (text up to its end). */
char *hotsync_memo_decode (const guint8 *data, gsize len, GError **error);
GBytes *hotsync_memo_encode (const char *text, GError **error);
/* The first line of a memo (new string). */
char *hotsync_memo_title (const char *text);

/* ---- ToDoDB ---- */

typedef struct {
	gboolean has_due;
	guint16 due_year;     /* 1904–2031 */
	guint8 due_month;     /* 1–12 */
	guint8 due_day;       /* 1–31 */
	guint8 priority;      /* 1–5 */
	gboolean completed;
	char *description;    /* UTF-8 */
	char *note;           /* UTF-8, "" when none */
} HotsyncTodo;

void hotsync_todo_free (HotsyncTodo *todo);
HotsyncTodo *hotsync_todo_decode (const guint8 *data, gsize len, GError **error);
/* Fails on a due date outside 1904–2031 or a priority outside 0–127. */
GBytes *hotsync_todo_encode (const HotsyncTodo *todo, GError **error);

typedef struct {
	HotsyncCategories categories;
	guint16 dirty;
	gboolean sort_by_priority;
} HotsyncTodoAppInfo;

void hotsync_todo_app_info_free (HotsyncTodoAppInfo *info);
HotsyncTodoAppInfo *hotsync_todo_app_info_decode (const guint8 *data, gsize len, GError **error);
GBytes *hotsync_todo_app_info_encode (const HotsyncTodoAppInfo *info, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HotsyncMemoAppInfo, hotsync_memo_app_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HotsyncTodo, hotsync_todo_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HotsyncTodoAppInfo, hotsync_todo_app_info_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HotsyncCategories, hotsync_categories_clear)

G_END_DECLS
