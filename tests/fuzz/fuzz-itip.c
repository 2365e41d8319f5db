/* Fuzz target: iTIP and MeetingResponse parsing (eas/eas-meeting.h).  The
 * first byte picks the path and version: even → a text/calendar part
 * through eas_itip_parse, the MeetingRequest encoder, the attendee's copy,
 * a REPLY and its application; odd → a MeetingResponse request (WBXML).
 * Also GlobalObjId bytes ⇄ UID. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "eas/eas-meeting.h"
#include "fuzz.h"

static const EasVersion versions[] = { 25, 120, 121, 140, 141, 160, 161 };

static void
encode_request (EasItip *itip, EasVersion version)
{
	g_autoptr (EasMeetingRequest) mr = eas_meeting_request_from_itip (itip);
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (GBytes) out = NULL;
	g_autoptr (GError) error = NULL;

	if (mr == NULL)
		return;
	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_meeting_request_encode (w, mr, version);
	eas_wbxml_writer_end (w);
	out = eas_wbxml_writer_finish (w, &error);
	g_assert_no_error (error);
}

static void
attendee_round (EasItip *itip)
{
	icalcomponent *copy = icalcomponent_new_clone (itip->vcalendar);
	g_autofree char *reply = NULL;
	g_autoptr (EasItip) parsed = NULL;

	eas_itip_make_attendee_copy (copy, "bob@example.org");
	eas_itip_set_response (copy, "bob@example.org", EAS_MEETING_TENTATIVE, itip->recurrence_id, 1767258000);
	reply = eas_itip_make_reply (copy, "bob@example.org", EAS_MEETING_ACCEPT, itip->recurrence_id,
	                             1767258000, "ok", 0, 0, NULL);
	if (reply != NULL) {
		parsed = eas_itip_parse ((const guint8 *) reply, strlen (reply), NULL);
		if (parsed != NULL)
			eas_itip_apply_reply (itip->vcalendar, parsed);
	}
	eas_itip_mark_cancelled (copy, 0);
	icalcomponent_free (copy);
}

static void
itip_path (const uint8_t *data, size_t size, EasVersion version)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasItip) itip = eas_itip_parse (data, size, &error);
	g_autoptr (GBytes) goid = NULL;
	g_autofree char *back = NULL;

	g_assert_true ((itip == NULL) != (error == NULL));
	/* Any bytes as a GlobalObjId. */
	g_free (eas_meeting_uid_from_global_obj_id (data, size));
	if (itip == NULL)
		return;
	goid = eas_meeting_global_obj_id_from_uid (itip->uid);
	g_assert_nonnull (goid);
	back = eas_meeting_uid_from_global_obj_id (g_bytes_get_data (goid, NULL), g_bytes_get_size (goid));
	g_assert_nonnull (back);
	(void) eas_meeting_message_class (itip);
	attendee_round (itip);
	encode_request (itip, version);
}

static void
response_path (const uint8_t *data, size_t size, EasVersion version)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) requests = eas_meeting_response_decode (data, size, version, &error);
	g_autoptr (GPtrArray) results = NULL;
	g_autoptr (GBytes) out = NULL;

	g_assert_true ((requests == NULL) != (error == NULL));
	if (requests == NULL)
		return;
	results = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_meeting_response_result_free);
	for (guint i = 0; i < requests->len; i++) {
		const EasMeetingResponseRequest *r = g_ptr_array_index (requests, i);
		EasMeetingResponseResult *res = g_new0 (EasMeetingResponseResult, 1);

		res->request_id = g_strdup (r->request_id);
		res->status = r->valid ? 1 : 2;
		g_ptr_array_add (results, res);
	}
	out = eas_meeting_response_encode (results);
	g_assert_nonnull (out);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	EasVersion version;

	if (size < 1)
		return 0;
	version = versions[(data[0] >> 1) % G_N_ELEMENTS (versions)];
	if (data[0] & 1)
		response_path (data + 1, size - 1, version);
	else
		itip_path (data + 1, size - 1, version);
	return 0;
}
