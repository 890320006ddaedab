/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ANBU_SIGN_IN_ERROR (anbu_sign_in_error_quark ())

typedef enum
{
  ANBU_SIGN_IN_ERROR_EMPTY_ADDRESS,
  ANBU_SIGN_IN_ERROR_INVALID_ADDRESS,
  ANBU_SIGN_IN_ERROR_INSECURE_ADDRESS,
  ANBU_SIGN_IN_ERROR_EMPTY_USERNAME,
  ANBU_SIGN_IN_ERROR_INVALID_USERNAME,
  ANBU_SIGN_IN_ERROR_EMPTY_PASSWORD,
} AnbuSignInError;

GQuark anbu_sign_in_error_quark (void);

char    *anbu_sign_in_check_server_address (const char *text,
                                            GError    **error);
gboolean anbu_sign_in_check_username       (const char *text,
                                            GError    **error);
gboolean anbu_sign_in_check_password       (const char *text,
                                            GError    **error);

#define ANBU_TYPE_SIGN_IN_PAGE (anbu_sign_in_page_get_type ())

G_DECLARE_FINAL_TYPE (AnbuSignInPage, anbu_sign_in_page, ANBU, SIGN_IN_PAGE, AdwBin)

GtkWidget *anbu_sign_in_page_new          (void);
void       anbu_sign_in_page_set_server   (AnbuSignInPage *self,
                                           const char     *server_address);
void       anbu_sign_in_page_set_username (AnbuSignInPage *self,
                                           const char     *username);
gboolean   anbu_sign_in_page_get_busy     (AnbuSignInPage *self);
void       anbu_sign_in_page_set_busy     (AnbuSignInPage *self,
                                           gboolean        busy);
void       anbu_sign_in_page_show_failure (AnbuSignInPage *self,
                                           const char     *message);
void       anbu_sign_in_page_reset        (AnbuSignInPage *self);
void       anbu_sign_in_page_offer_rebuild (AnbuSignInPage *self,
                                            gboolean        offer);
void       anbu_sign_in_page_submit_with_password (AnbuSignInPage *self,
                                                   const char     *password);

G_END_DECLS
