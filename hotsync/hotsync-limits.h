/* Default limits of libhotsync, one place, each with its reason.
 *
 * Every parser of bytes from a handheld takes its limit as a parameter; these
 * are the values to pass when there is no reason to differ.  All sizes are
 * in bytes. */
#pragma once

/* NetSync payload: the customary cap of HotSync managers (1 MiB); the largest
 * DLP message a Palm OS 5 device sends is a 64 KiB record plus headers. */
#define HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT (1024 * 1024)

/* SLP body: the length field is u16; a PADP fragment is at most 1024 data
 * bytes plus a 6-byte header, so anything larger is corruption.  Leave room
 * for loop-back frames, which are not PADP. */
#define HOTSYNC_SLP_MAX_BODY_DEFAULT (1024 + 6)

/* PADP message after reassembly: a record (64 KiB on Palm OS 5) plus DLP
 * headers; a long-form (u32) total above this is refused. */
#define HOTSYNC_PADP_MAX_MESSAGE_DEFAULT (128 * 1024)

/* PADP: data bytes per fragment (Palm's value) and the sender's 2 s ack
 * timeout with 10 retries. */
#define HOTSYNC_PADP_FRAGMENT_SIZE 1024
#define HOTSYNC_PADP_ACK_TIMEOUT_US (2 * G_USEC_PER_SEC)
#define HOTSYNC_PADP_MAX_RETRIES 10

/* DLP: argc is a u8 on the wire; no command uses more than 3 arguments, so 8
 * leaves room for extensions while bounding work per message. */
#define HOTSYNC_DLP_MAX_ARGS_DEFAULT 8

/* DLP message: the same bound as the largest NetSync payload. */
#define HOTSYNC_DLP_MAX_MESSAGE_DEFAULT (1024 * 1024)


/* Record data: Palm OS 5 records are below 64 KiB; memos are at most 4 KiB of
 * text on the handheld, but desktop-made memos may be longer. */
#define HOTSYNC_RECORD_MAX_SIZE (64 * 1024)
