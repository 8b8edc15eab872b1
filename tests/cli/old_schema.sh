#!/bin/bash
# old_schema.sh FTLAB WORKDIR - a results file of another schema version is
# refused by `ftlab inspect` with a one-line message naming both versions.
set -u
mkdir -p "$2"
/usr/bin/python3 -c "
import h5py, sys
with h5py.File(sys.argv[1], 'w') as f:
    f.attrs['format'] = 'ftlab-results'; f.attrs['schema_version'] = 1; f.attrs['ftlab_version'] = '0.0.1'
" "$2/old.h5" || exit 1
exec "$(dirname "$0")/expect_fail.sh" "schema version 1, this ftlab reads version 2" "$1" inspect "$2/old.h5"
