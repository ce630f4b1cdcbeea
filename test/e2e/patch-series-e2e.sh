#!/usr/bin/env bash
# The series `vmaprep fix --patches` writes for a real kernel tree, as a
# maintainer receives it. Called by run-fix-e2e.sh in two steps:
#
#   patch-series-e2e.sh write TREE VMAPREP WORK
#       before the in-place fix: writes the series for the tree into
#       WORK/series (the tree is not changed) and runs the tree's
#       scripts/checkpatch.pl --strict on every patch: nothing may be reported
#       but the missing Signed-off-by (a person adds it);
#   patch-series-e2e.sh apply TREE WORK BACKUP CHANGED_LIST
#       after the in-place fix (whose objects run-fix-e2e.sh rebuilds): makes a
#       git repository of the touched files as they were (BACKUP), applies the
#       series with `git am -3` under a configured identity, and asserts the
#       result is byte for byte what the in-place fix wrote, so the rebuild
#       covers the series too.
set -euo pipefail
step=$1
case $step in
write)
  TREE=$2 VMAPREP=$3 WORK=$4
  rm -rf "$WORK/series"
  # Exit 1 is a normal outcome on a real tree: a planned rewrite was dropped
  # by verification or validation (vhost_vdpa's is proved on error paths only).
  rc=0
  "$VMAPREP" fix -p "$TREE" --api auto --patches "$WORK/series" --author 'vmaprep e2e <e2e@example.org>' \
    > "$WORK/series.log" 2>&1 || rc=$?
  (( rc <= 1 )) || { echo "patch-series-e2e: FAIL: fix --patches exited $rc" >&2; cat "$WORK/series.log" >&2; exit 1; }
  # Every numbered patch but the cover letter (0000): 0010 and on too.
  n=$(ls "$WORK/series" | grep -E '^[0-9]{4}-.*\.patch$' | grep -vc '^0000-' || true)
  [[ -f $WORK/series/0000-cover-letter.patch ]] && (( n > 0 )) ||
    { echo "patch-series-e2e: FAIL: no series in $WORK/series" >&2; ls "$WORK/series" >&2; exit 1; }
  bad=0
  for p in "$WORK/series"/*.patch; do
    out=$(cd "$TREE" && perl scripts/checkpatch.pl --strict --no-signoff -q "$p" 2>&1) || true
    # --no-signoff: the Signed-off-by is a person's to add.
    if [[ -n $out ]]; then
      echo "patch-series-e2e: FAIL: checkpatch --strict on $(basename "$p"):" >&2
      echo "$out" >&2
      bad=1
    fi
  done
  (( bad == 0 )) || exit 1
  grep -h '^Subject:' "$WORK/series"/*.patch >&2
  echo "patch-series-e2e: $n patches, each checkpatch --strict clean apart from the Signed-off-by" >&2
  ;;
apply)
  TREE=$2 WORK=$3 BACKUP=$4 CHANGED=$5
  repo=$WORK/series-repo
  rm -rf "$repo" && mkdir -p "$repo"
  while read -r rel; do
    mkdir -p "$repo/$(dirname "$rel")"
    cp -p "$BACKUP/$rel" "$repo/$rel"
  done < "$CHANGED"
  git -C "$repo" init -q
  git -C "$repo" config user.name 'Maintainer E2E'
  git -C "$repo" config user.email maintainer@example.org
  git -C "$repo" add -A
  git -C "$repo" commit -qm 'the touched files before the series'
  series=()
  for p in "$WORK/series"/[0-9][0-9][0-9][0-9]-*.patch; do
    [[ $(basename "$p") == 0000-* ]] || series+=("$p")
  done
  git -C "$repo" am -3 -q "${series[@]}" ||
    { echo "patch-series-e2e: FAIL: git am -3 of the series" >&2; git -C "$repo" am --show-current-patch=diff | head -20 >&2; exit 1; }
  applied=$(git -C "$repo" rev-list --count HEAD~0)
  while read -r rel; do
    cmp -s "$repo/$rel" "$TREE/$rel" ||
      { echo "patch-series-e2e: FAIL: $rel after git am differs from the in-place fix" >&2; diff "$repo/$rel" "$TREE/$rel" | head >&2; exit 1; }
  done < "$CHANGED"
  bad_author=$(git -C "$repo" log --format='%an <%ae>' HEAD~$((applied - 1))..HEAD | grep -vc '^vmaprep e2e <e2e@example.org>$' || true)
  (( bad_author == 0 )) || { echo "patch-series-e2e: FAIL: commits with another author" >&2; exit 1; }
  echo "patch-series-e2e: git am -3 applied $((applied - 1)) patches; the result is the in-place fix, rebuilt above" >&2
  ;;
*)
  echo "usage: patch-series-e2e.sh write|apply ..." >&2
  exit 2
  ;;
esac
