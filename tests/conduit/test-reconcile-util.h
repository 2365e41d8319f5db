/* Shared by the store ⇄ server tests (test-reconcile, test-e2e-server): a
 * phone of the user (the EAS test client of tests/server/eas-client.h) that
 * lists, adds, changes and deletes notes and tasks, and the desktop's
 * account for a harness server. */
#pragma once

#include "conduit/conduit-account.h"
#include "tests/server/eas-client.h"

typedef enum { PHONE_NOTES, PHONE_TASKS, PHONE_CONTACTS, PHONE_CALENDAR } PhoneClass;

typedef struct {
	AirdockEasClient *client;
	char *collection[4];	/* Notes, Tasks, Contacts, Calendar */
	char *key[4];
} Phone;

/* Provisions a 16.1 phone of user over HTTPS and finds its folders. */
void phone_init (Phone *p, AirdockHarness *h, gint64 uid, const char *user, const char *password);
void phone_clear (Phone *p);

/* Every item as sorted lines: notes "subject|body", tasks
 * "subject|complete" (0/1), contacts "first name|email", events
 * "subject|start (Unix seconds)", joined with '\n' (a full sync from "0"). */
char *phone_list (Phone *p, PhoneClass cls);
/* The ServerId of the item whose subject is subject, or NULL. */
char *phone_find (Phone *p, PhoneClass cls, const char *subject);
/* Adds an item; returns its ServerId.  Contacts: subject is the first
 * name, body the e-mail address; events start at PHONE_EVENT_START for an
 * hour. */
#define PHONE_EVENT_START 1767258000	/* 2026-01-01 09:00 UTC */
char *phone_add (Phone *p, PhoneClass cls, const char *subject, const char *body);
/* Changes an item: subject/body, and for tasks complete. */
void phone_change (Phone *p, PhoneClass cls, const char *server_id, const char *subject, const char *body,
		   gboolean complete);
void phone_delete (Phone *p, PhoneClass cls, const char *server_id);

/* The desktop's account on h for user (url on port, or the HTTPS port when
 * port is 0), the server certificate pinned. */
ConduitAccount *test_account_new (AirdockHarness *h, guint16 port, const char *user, const char *password);
