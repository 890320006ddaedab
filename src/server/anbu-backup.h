/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Copies the database at `db_path` to `to` as one consistent snapshot,
 * while a server may be writing to it (its own read-only connection reads
 * one WAL snapshot; VACUUM INTO writes it out). Never overwrites: fails with
 * G_IO_ERROR_EXISTS when `to` exists. The copy is written beside `to` under
 * a temporary name, checked, and only then linked into place, so a failed
 * backup leaves nothing at `to`. Returns the size of the copy in bytes,
 * or -1 with `error` set. */
gint64 anbu_backup_database (const char  *db_path,
                             const char  *to,
                             GError     **error);

G_END_DECLS
