/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Every PostgreSQL advisory lock anbu-server takes, in one list so no two
 * uses share a key: a partition being made while another instance leads
 * once waited on the leader's lock, for as long as that instance lived.
 * Text, to go into SQL as it is. */

/* Migrations of the store's schema (anbu-pg-store.c), one instance at a time. */
#define ANBU_PG_LOCK_STORE_MIGRATION "7308406150720"
/* Every write transaction of the store: one writer at a time, as SQLite. */
#define ANBU_PG_LOCK_STORE_WRITE     "7308406150721"
/* Held for as long as an instance leads the timer pass (session lock). */
#define ANBU_PG_LOCK_TIMER_PASS      "7308406150722"
/* Migrations of the readings' schema (anbu-pg-reading-log.c). */
#define ANBU_PG_LOCK_READING_MIGRATION "7308406150723"
/* Making or dropping the readings' day partitions. */
#define ANBU_PG_LOCK_READING_PARTITIONS "7308406150724"
/* Telemetry batches: the first key of the two-key form (int, int), the
 * second a hash of a plug's serial or a gateway's id. Two-key locks never
 * meet the one-key locks above. */
#define ANBU_PG_LOCK_TELEMETRY_ROWS "730840615"
