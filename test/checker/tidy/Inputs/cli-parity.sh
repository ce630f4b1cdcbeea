#!/bin/sh
# cli-parity.sh VMAPREP CLANG_TIDY DIR FLAGS NAME...: for each DIR/NAME.c,
# compares the warning and note lines (file:line:col: level: message [check])
# of `vmaprep check` with clang-tidy's, and the file `clang-tidy --fix` writes
# with the one `vmaprep fix` writes; prints one verdict line for each.
vmaprep=$1 tidy=$2 dir=$3 flags=$4
shift 4
for name; do
	src=$dir/$name.c
	diags='^[^ ]*:[0-9]*:[0-9]*: \(warning\|note\|error\):'
	$vmaprep check "$src" -- $flags 2>/dev/null | grep "$diags" > "$dir/$name.cli"
	$tidy --checks='-*,vmaprep-*' "$src" -- $flags 2>/dev/null | grep "$diags" > "$dir/$name.tidy"
	if [ -s "$dir/$name.cli" ] && cmp -s "$dir/$name.cli" "$dir/$name.tidy"; then
		echo "$name: $(wc -l < "$dir/$name.cli") diagnostics, the same"
	else
		echo "$name: the diagnostics differ"; diff "$dir/$name.cli" "$dir/$name.tidy"
	fi
	cp "$src" "$dir/$name.fixed-by-tidy.c"
	cp "$src" "$dir/$name.fixed-by-vmaprep.c"
	$tidy --checks='-*,vmaprep-*' --fix "$dir/$name.fixed-by-tidy.c" -- $flags > /dev/null 2>&1
	$vmaprep fix "$dir/$name.fixed-by-vmaprep.c" -- $flags > /dev/null 2>&1
	if ! cmp -s "$src" "$dir/$name.fixed-by-vmaprep.c" && cmp -s "$dir/$name.fixed-by-tidy.c" "$dir/$name.fixed-by-vmaprep.c"; then
		echo "$name: --fix writes what vmaprep fix writes"
	else
		echo "$name: --fix differs from vmaprep fix"; diff "$dir/$name.fixed-by-vmaprep.c" "$dir/$name.fixed-by-tidy.c"
	fi
done
