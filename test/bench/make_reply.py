"""make_reply.py -- print the benchmark's canned CopyDBClusterSnapshotResponse, escaped for an
nginx single-quoted string (test/bench/run.sh puts it in "return 200 '...'").

The XML is built by the stand-in's own code (test/standin/rds_standin.py): the reply its
copy_action sends for a successful copy of my-cluster-snapshot1 (namespace
http://rds.amazonaws.com/doc/2014-10-31/, every DBClusterSnapshot member, ResponseMetadata/
RequestId), with a fixed target and RequestId.  `--raw` prints it unescaped.
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'standin'))
import rds_standin as s  # noqa: E402

REQUEST_ID = '5f2c1a9e-8b7d-4c3e-9a61-0d2b3c4e5f60'
now = datetime.datetime(2026, 3, 1, 3, 4, 5, 123000, tzinfo=datetime.timezone.utc)
source = s.seed_snapshot('us-east-1', 'my-cluster-snapshot1', tags=(('team', 'db'), ('env', 'prod')))
copy = s.make_copy(source, 'us-east-1', 'bench-copy', None, [], now)
root, result = s.response_tree('CopyDBClusterSnapshot', REQUEST_ID)
s.add_snapshot_element(result, copy)
text = s.serialize(root).decode('utf-8')
if '--raw' in sys.argv[1:]:
    sys.stdout.write(text)
else:
    sys.stdout.write(text.replace('\\', '\\\\').replace("'", "\\'"))
