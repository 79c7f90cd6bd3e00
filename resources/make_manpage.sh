#!/usr/bin/env bash
# Writes a program's manual page from its own --help, so that the page says what the binary
# does (run at build time by resources/CMakeLists.txt; the page is installed gzipped).
#   make_manpage.sh PROGRAM NAME VERSION DATE SUMMARY EXTRA OUT
# PROGRAM: the built binary; NAME: its installed name (tleg, tleg-studio); SUMMARY: the NAME
# line; EXTRA: roff appended as it is (FILES, ENVIRONMENT, SEE ALSO); OUT: the page (not gzipped).
# A program whose --help lists "Commands:" (tleg) gets a section per command, from
# `PROGRAM COMMAND --help`.
# Help texts become roff: "Usage:" lines the synopsis, lines indented by two spaces with a gap of
# two or more before their text tagged paragraphs (options, commands, experiment names),
# deeper-indented lines continue the one before, everything else a paragraph.
set -euo pipefail
if [ $# -ne 7 ]; then
    echo "usage: $0 PROGRAM NAME VERSION DATE SUMMARY EXTRA OUT" >&2
    exit 2
fi
program=$1 name=$2 version=$3 date=$4 summary=$5 extra=$6 out=$7

# A Qt program needs no display to print its help; the build machine may have none.
export QT_QPA_PLATFORM=offscreen
help_of() {
    # Qt prints the path it was started by; the page shows the installed name.
    "$program" "$@" --help 2>/dev/null | sed "s|$program|$name|g"
}

# Help text on stdin -> roff. $1: the section title for the Usage line (SYNOPSIS or a .SS).
to_roff() {
    awk -v heading="$1" '
    function esc(s,    out, i, c, prev) {
        out = ""
        for (i = 1; i <= length(s); i++) {
            c = substr(s, i, 1)
            prev = i > 1 ? substr(s, i - 1, 1) : " "
            if (c == "\\") out = out "\\e"
            else if (c == "-" && prev ~ /[ (\[,=|\/-]/) out = out "\\-"
            else out = out c
        }
        return out
    }
    function line(s) { if (s ~ /^[.\047]/) s = "\\&" s; print s }
    # "--out DIR" -> bold option words, italic arguments.
    function tag(s,    n, w, i, out) {
        n = split(s, w, " ")
        out = ""
        for (i = 1; i <= n; i++) {
            if (w[i] ~ /^-/ || heading == "COMMANDS" && i == 1) out = out "\\fB" esc(w[i]) "\\fR"
            else out = out "\\fI" esc(w[i]) "\\fR"
            if (i < n) out = out " "
        }
        return out
    }
    function flush() { if (desc != "") { line(esc(desc)); desc = "" } }
    BEGIN { desc = "" }
    /^Usage: / {
        flush()
        sub(/^Usage: /, "")
        n = split($0, w, " ")
        if (heading != "") print heading
        s = "\\fB" esc(w[1]) "\\fR"
        for (i = 2; i <= n; i++) s = s " " esc(w[i])
        line(s)
        next
    }
    /^[A-Z][A-Za-z ]*:$/ { flush(); print ".PP"; print "\\fB" esc($0) "\\fR"; next }
    /^  [^ ].*[^ ]  +[^ ]/ {
        flush()
        rest = substr($0, 3)
        gap = index(rest, "  ")
        t = substr(rest, 1, gap - 1)
        desc = substr(rest, gap); sub(/^ +/, "", desc)
        print ".TP"
        line(tag(t))
        next
    }
    /^    +[^ ]/ { s = $0; sub(/^ +/, "", s); desc = desc (desc == "" ? "" : " ") s; next }
    /^$/ { flush(); print ".PP"; next }
    { flush(); s = $0; sub(/^ +/, "", s); line(esc(s)) }
    END { flush() }
    '
}

main_help=$(help_of)
{
    printf '.TH %s 1 "%s" "%s %s" "User Commands"\n' \
        "$(echo "$name" | tr '[:lower:]' '[:upper:]' | sed 's/-/\\-/g')" "$date" "$name" "$version"
    echo ".SH NAME"
    printf '%s \\- %s\n' "$(echo "$name" | sed 's/-/\\-/g')" "$summary"
    echo ".SH SYNOPSIS"
    # The first block (usage and description) stays under SYNOPSIS / DESCRIPTION.
    printf '%s\n' "$main_help" | awk 'NR == 1' | to_roff ""
    echo ".SH DESCRIPTION"
    commands_block=$(printf '%s\n' "$main_help" | awk '/^Commands:$/ { on = 1; next } on')
    if [ -n "$commands_block" ]; then
        printf '%s\n' "$main_help" | awk 'NR > 1 && /^Commands:$/ { exit } NR > 1' \
            | sed '/^$/d' | to_roff ""
        echo ".SH COMMANDS"
        printf '%s\n' "$commands_block" | to_roff COMMANDS
        for command in $(printf '%s\n' "$commands_block" | awk '/^  [a-z]/ { print $1 }'); do
            help_of "$command" | sed '1{/^$/d}' | to_roff ".SS \"$name $command\""
        done
    else
        printf '%s\n' "$main_help" | awk 'NR > 1' | sed '1{/^$/d}' | to_roff ""
    fi
    cat "$extra"
} > "$out.tmp"
# groff must read it (UTF-8, through preconv as man does) without a warning; lintian checks too.
if command -v groff >/dev/null; then
    warnings=$(groff -k -man -Tutf8 -ww -z "$out.tmp" 2>&1 || true)
    if [ -n "$warnings" ]; then
        echo "$out: groff warns:" >&2
        echo "$warnings" >&2
        exit 1
    fi
fi
mv "$out.tmp" "$out"
