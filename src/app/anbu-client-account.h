/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-account.h"
#include "anbu-session.h"

G_BEGIN_DECLS

#define ANBU_TYPE_CLIENT_ACCOUNT (anbu_client_account_get_type ())

G_DECLARE_FINAL_TYPE (AnbuClientAccount, anbu_client_account, ANBU, CLIENT_ACCOUNT, GObject)

AnbuClientAccount *anbu_client_account_new         (const char        *data_dir);
AnbuSession       *anbu_client_account_get_session (AnbuClientAccount *self);

G_END_DECLS
