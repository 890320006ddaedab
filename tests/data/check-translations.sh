#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Korean is our users' language: every translatable string must reach po/ko.po, translated.
set -euo pipefail
top=${1:?source dir}
cd "$top"
status=0

# 1. Every source file with translatable strings is listed in POTFILES.in.
while IFS= read -r file; do
  if ! grep -qxF "$file" po/POTFILES.in; then
    echo "not in po/POTFILES.in: $file"
    status=1
  fi
done < <(grep -rlE '(^|[^A-Za-z0-9_])(N?_|C_|NC_|g_dngettext|ngettext) ?\("|translatable="yes"' \
           --include='*.c' --include='*.ui' src resources 2>/dev/null | sort)

# 2. Every file listed exists.
while IFS= read -r file; do
  [[ -z "$file" || "$file" == \#* ]] && continue
  if [ ! -f "$file" ]; then
    echo "listed in po/POTFILES.in but missing: $file"
    status=1
  fi
done < po/POTFILES.in

# 3. Every message extracted from those files has a Korean translation, none fuzzy.
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT
xgettext --from-code=UTF-8 --add-comments --files-from=po/POTFILES.in -o "$pot" \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 --keyword=g_dpgettext2:2c,3 \
  --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format \
  --flag=g_string_append_printf:2:c-format --flag=g_set_error:4:c-format 2>/dev/null || true
if [ -s "$pot" ]; then
  merged=$(mktemp --suffix=.po)
  msgmerge --quiet --no-fuzzy-matching po/ko.po "$pot" -o "$merged"
  missing=$(msgattrib --untranslated --no-obsolete "$merged" | grep -A1 '^msgid' | grep -v '^--$' | tail -n +3 || true)
  rm -f "$merged"
  if [ -n "$missing" ]; then
    echo "strings without a Korean translation in po/ko.po:"
    echo "$missing" | head -n 60
    status=1
  fi
fi

# 4. One word per concept: po/glossary.tsv's terms are translated the same way everywhere.
if ! python3 "$top/tests/data/check-glossary.py" po/glossary.tsv po/ko.po; then
  status=1
fi

stats=$(msgfmt --check --statistics -o /dev/null po/ko.po 2>&1 | tail -n 1)
echo "ko.po: $stats"
case "$stats" in
  *untranslated*|*fuzzy*) status=1 ;;
esac
exit $status
