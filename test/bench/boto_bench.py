"""boto_bench.py ENDPOINT_URL CA_FILE -- the boto3 contestant of test/bench/run.sh.

One long-lived process, one boto3 RDS client (so one kept-alive HTTPS connection, as a real
script would have), region us-east-1, the same fake keys as the extension, retries off.

Reads commands "N OUTFILE" from stdin; for each, calls copy_db_cluster_snapshot N times, writes
one line per call (nanoseconds, time.perf_counter_ns) to OUTFILE, then prints
"done <ru_maxrss kB> <failed calls>".  Exits at end of input.  Run it with Debian's
/usr/bin/python3 and python3-boto3.
"""
import resource
import sys
import time

import boto3
from botocore.config import Config


def main():
    endpoint, ca_file = sys.argv[1], sys.argv[2]
    session = boto3.session.Session(aws_access_key_id='AKIDEXAMPLE',
                                    aws_secret_access_key='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
                                    region_name='us-east-1')
    client = session.client('rds', endpoint_url=endpoint, verify=ca_file,
                            config=Config(retries={'total_max_attempts': 1, 'mode': 'standard'},
                                          connect_timeout=10, read_timeout=30))
    serial = 0
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 2:
            continue
        count, path = int(parts[0]), parts[1]
        times = []
        failed = 0
        for _ in range(count):
            serial += 1
            start = time.perf_counter_ns()
            try:
                reply = client.copy_db_cluster_snapshot(
                    SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                    TargetDBClusterSnapshotIdentifier=f'bench-boto3-{serial}')
                if reply['DBClusterSnapshot']['Status'] != 'copying':
                    failed += 1
            except Exception as error:  # counted, reported once
                if failed == 0:
                    print(f'boto3 call failed: {error!r}', file=sys.stderr)
                failed += 1
            times.append(time.perf_counter_ns() - start)
        with open(path, 'w') as out:
            out.write(''.join(f'{t}\n' for t in times))
        print(f'done {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} {failed}', flush=True)


if __name__ == '__main__':
    main()
