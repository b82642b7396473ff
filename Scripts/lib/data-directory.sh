# Sourced by the evaluate scripts: sets `data` to the benchmark data directory (docs/DESIGN.md §10)
# holding `$1` (e.g. nab/combined_windows.json), or exits with a message saying how to get it.
# The directory is `--data DIR` (passed here as $2, may be empty), else $ANOMALYD_DATA, else ./data,
# else ../shared/data beside the repository. Run from the repository root.
find_data_directory() {
  local needed=$1 given=${2:-} candidate
  for candidate in "$given" "${ANOMALYD_DATA:-}" data ../shared/data; do
    [ -n "$candidate" ] || continue
    if [ -e "$candidate/$needed" ]; then
      data=$(cd "$candidate" && pwd)
      return
    fi
    # A directory named on purpose that lacks the data is an error, not a reason to look elsewhere.
    if [ "$candidate" = "$given" ] || [ "$candidate" = "${ANOMALYD_DATA:-}" ]; then
      echo "$(basename "$0"): $candidate has no $needed (make datasets fetches the corpora into ./data)" >&2
      exit 1
    fi
  done
  echo "$(basename "$0"): no benchmark data: run \`make datasets\` (fetches NAB and SKAB into ./data)," \
    "or pass --data DIR or set ANOMALYD_DATA" >&2
  exit 1
}
