#!/usr/bin/python3
"""fake_credential_process.py -- a credential_process program for the rds_copy tests.

  fake_credential_process.py ACCESS_KEY [--expires] [--fail] [--sleep S] [--version N]

Prints the SDKs' credential_process document (Version 1) for ACCESS_KEY, whose secret and session
token are awsfake.temporary_credential's (so the RDS stand-in and the fake STS accept them);
--expires adds an Expiration an hour ahead; --fail prints the document to stdout and stderr and
exits 3 (the output must never reach a log or an error); --sleep S sleeps first; --version N
prints another Version.
"""
import argparse
import datetime
import json
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument('access_key')
parser.add_argument('--expires', action='store_true')
parser.add_argument('--fail', action='store_true')
parser.add_argument('--sleep', type=float, default=0)
parser.add_argument('--version', type=int, default=1)
args = parser.parse_args()
time.sleep(args.sleep)
document = {'Version': args.version, 'AccessKeyId': args.access_key,
            'SecretAccessKey': 'tempsecret/' + args.access_key,
            'SessionToken': 'temptoken/' + args.access_key + '=='}
if args.expires:
    expiration = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    document['Expiration'] = expiration.strftime('%Y-%m-%dT%H:%M:%SZ')
print(json.dumps(document))
if args.fail:
    print(json.dumps(document), file=sys.stderr)
    sys.exit(3)
