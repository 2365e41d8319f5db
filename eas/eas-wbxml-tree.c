/* eas-wbxml-tree.c — a small typed tree over the streaming decoder/writer.
 *
 * Neither building, walking, encoding nor freeing recurses: a document at
 * the depth limit (or a hand-built tree of any depth) costs no C stack. */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "eas/eas-wbxml-private.h"

EasNode *
eas_node_new (EasTag tag)
{
	EasNode *node = g_new0 (EasNode, 1);

	node->tag = tag;
	return node;
}

void
eas_node_adopt (EasNode *parent, EasNode *child)
{
	g_return_if_fail (parent != NULL && child != NULL && child->parent == NULL);
	child->parent = parent;
	if (parent->last_child != NULL)
		parent->last_child->next = child;
	else
		parent->first_child = child;
	parent->last_child = child;
}

static void
node_unlink (EasNode *node)
{
	EasNode *parent = node->parent;

	if (parent == NULL)
		return;
	EasNode *prev = NULL;
	for (EasNode *c = parent->first_child; c != NULL && c != node; c = c->next)
		prev = c;
	if (prev != NULL)
		prev->next = node->next;
	else
		parent->first_child = node->next;
	if (parent->last_child == node)
		parent->last_child = prev;
	node->parent = NULL;
	node->next = NULL;
}

void
eas_node_free (EasNode *root)
{
	if (root == NULL)
		return;
	node_unlink (root);

	/* Post-order without recursion: free leaves, climbing by parent. */
	EasNode *n = root;
	for (;;) {
		while (n->first_child != NULL)
			n = n->first_child;
		EasNode *parent = n->parent;
		EasNode *next = n->next;
		g_free (n->text);
		g_clear_pointer (&n->opaque, g_bytes_unref);
		gboolean last = n == root;
		g_free (n);
		if (last)
			break;
		parent->first_child = next;
		n = next != NULL ? next : parent;
	}
}

EasNode *
eas_node_append (EasNode *parent, EasTag tag)
{
	g_return_val_if_fail (parent != NULL, NULL);

	EasNode *node = eas_node_new (tag);
	eas_node_adopt (parent, node);
	return node;
}

EasNode *
eas_node_append_text (EasNode *parent, EasTag tag, const char *text)
{
	g_return_val_if_fail (parent != NULL, NULL);
	g_return_val_if_fail (text != NULL, NULL);

	EasNode *node = eas_node_append (parent, tag);
	node->text = g_strdup (text);
	return node;
}

EasNode *
eas_node_append_opaque (EasNode *parent, EasTag tag, GBytes *data)
{
	g_return_val_if_fail (parent != NULL, NULL);
	g_return_val_if_fail (data != NULL, NULL);

	EasNode *node = eas_node_append (parent, tag);
	node->opaque = g_bytes_ref (data);
	return node;
}

EasNode *
eas_node_child (const EasNode *node, EasTag tag)
{
	g_return_val_if_fail (node != NULL, NULL);

	for (EasNode *c = node->first_child; c != NULL; c = c->next) {
		if (c->tag == tag)
			return c;
	}
	return NULL;
}

EasNode *
eas_node_next_same (const EasNode *node)
{
	g_return_val_if_fail (node != NULL, NULL);

	for (EasNode *c = node->next; c != NULL; c = c->next) {
		if (c->tag == node->tag)
			return c;
	}
	return NULL;
}

EasNode *
eas_node_path (const EasNode *node, ...)
{
	va_list args;
	const EasNode *n = node;

	g_return_val_if_fail (node != NULL, NULL);

	va_start (args, node);
	for (;;) {
		/* EasTag is promoted to int through the ellipsis. */
		int tag = va_arg (args, int);
		if (tag == 0 || n == NULL)
			break;
		n = eas_node_child (n, (EasTag) tag);
	}
	va_end (args);
	return (EasNode *) n;
}

const char *
eas_node_child_text (const EasNode *node, EasTag tag)
{
	EasNode *child = eas_node_child (node, tag);

	return child != NULL ? child->text : NULL;
}

gboolean
eas_node_child_uint (const EasNode *node, EasTag tag, guint64 min, guint64 max,
                     guint64 *out_value, GError **error)
{
	g_return_val_if_fail (node != NULL, FALSE);
	g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

	const char *name = eas_tag_name (tag);
	const char *ns = eas_codepage_name (EAS_TAG_PAGE (tag));
	EasNode *child = eas_node_child (node, tag);
	if (child == NULL || child->text == NULL) {
		g_set_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_MALFORMED,
		             "%s:%s is missing or empty", ns ? ns : "?", name ? name : "?");
		return FALSE;
	}
	guint64 value;
	g_autoptr (GError) local = NULL;
	if (!g_ascii_string_to_unsigned (child->text, 10, min, max, &value, &local)) {
		g_set_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_MALFORMED,
		             "%s:%s is not a number in [%" G_GUINT64_FORMAT ", %"
		             G_GUINT64_FORMAT "]", ns ? ns : "?", name ? name : "?", min, max);
		return FALSE;
	}
	if (out_value != NULL)
		*out_value = value;
	return TRUE;
}

/* ---- Parsing ----------------------------------------------------------- */

typedef struct {
	EasNode *root;
	EasNode *cur;
	char *text;		/* text of cur not yet handed over, or NULL */
	gsize text_len;
	GByteArray *opaque;	/* opaque of cur so far, or NULL */
} TreeBuilder;

/* Appends to a NUL-terminated heap string of length *len. */
static char *
append_text (char *s, gsize *len, const char *add, gsize add_len)
{
	s = g_realloc (s, *len + add_len + 1);
	memcpy (s + *len, add, add_len);
	*len += add_len;
	s[*len] = '\0';
	return s;
}

/* Hands the text/opaque gathered for cur over to the node. */
static void
builder_flush (TreeBuilder *b)
{
	if (b->text != NULL) {
		if (b->cur->text != NULL) {
			/* Mixed content: texts around children are joined. */
			gsize len = strlen (b->cur->text);
			b->cur->text = append_text (b->cur->text, &len, b->text, b->text_len);
			g_clear_pointer (&b->text, g_free);
		} else {
			b->cur->text = g_steal_pointer (&b->text);
		}
		b->text_len = 0;
	}
	if (b->opaque != NULL) {
		g_clear_pointer (&b->cur->opaque, g_bytes_unref);
		b->cur->opaque = g_byte_array_free_to_bytes (g_steal_pointer (&b->opaque));
	}
}

static void
builder_event (TreeBuilder *b, const EasWbxmlEvent *ev)
{
	switch (ev->type) {
	case EAS_WBXML_EVENT_START:
		if (b->cur == NULL) {
			b->root = b->cur = eas_node_new (ev->tag);
		} else {
			builder_flush (b);
			b->cur = eas_node_append (b->cur, ev->tag);
		}
		break;
	case EAS_WBXML_EVENT_END:
		builder_flush (b);
		b->cur = b->cur->parent;
		break;
	case EAS_WBXML_EVENT_TEXT:
		/* One STR_I per element is the rule: one allocation. */
		b->text = append_text (b->text, &b->text_len, (const char *) ev->data, ev->len);
		break;
	case EAS_WBXML_EVENT_OPAQUE:
	default:
		if (b->opaque == NULL) {
			/* The total is bounded by limits.opaque_bytes. */
			b->opaque = g_byte_array_sized_new ((guint) MIN (ev->opaque_total, 1u << 20));
		}
		g_byte_array_append (b->opaque, ev->data, (guint) ev->len);
		break;
	}
}

EasNode *
eas_wbxml_parse (const guint8 *data, gsize len, const EasWbxmlLimits *limits,
                 GError **error)
{
	g_return_val_if_fail (data != NULL || len == 0, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);

	g_autoptr (EasWbxmlDecoder) dec = eas_wbxml_decoder_new (limits);
	TreeBuilder b = { NULL, NULL, NULL, 0, NULL };
	EasWbxmlEvent ev;
	EasWbxmlStatus status;

	eas_wbxml_decoder_feed (dec, data, len);
	while ((status = eas_wbxml_decoder_next (dec, &ev, error)) == EAS_WBXML_GOT_EVENT)
		builder_event (&b, &ev);
	g_free (b.text);
	if (b.opaque != NULL)
		g_byte_array_unref (b.opaque);
	if (status == EAS_WBXML_FAILED ||
	    (status == EAS_WBXML_NEED_MORE && !eas_wbxml_decoder_finish (dec, error))) {
		eas_node_free (b.root);
		return NULL;
	}
	return b.root;
}

/* ---- Encoding ---------------------------------------------------------- */

static void
encode_open (EasWbxmlWriter *w, const EasNode *n)
{
	eas_wbxml_writer_start (w, n->tag);
	if (n->text != NULL)
		eas_wbxml_writer_text (w, n->text, -1);
	if (n->opaque != NULL) {
		gsize len;
		const guint8 *p = g_bytes_get_data (n->opaque, &len);
		eas_wbxml_writer_opaque_begin (w, len);
		eas_wbxml_writer_opaque_data (w, p, len);
		eas_wbxml_writer_opaque_end (w);
	}
}

void
eas_node_write (const EasNode *root, EasWbxmlWriter *writer)
{
	g_return_if_fail (root != NULL);
	g_return_if_fail (writer != NULL);

	const EasNode *n = root;
	for (;;) {
		encode_open (writer, n);
		if (n->first_child != NULL) {
			n = n->first_child;
			continue;
		}
		eas_wbxml_writer_end (writer);
		while (n != root && n->next == NULL) {
			n = n->parent;
			eas_wbxml_writer_end (writer);
		}
		if (n == root)
			break;
		n = n->next;
	}
}

GBytes *
eas_node_encode (const EasNode *root)
{
	g_return_val_if_fail (root != NULL, NULL);

	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	eas_node_write (root, w);
	return eas_wbxml_writer_finish (w, NULL);
}
