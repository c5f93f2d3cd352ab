#!/usr/bin/python3
"""rds_standin.py -- HTTPS stand-in for the Amazon RDS Query API, used by the rds_copy tests.

  rds_standin.py --port N --cert F --key F --state-dir D [--host 127.0.0.1] [--ready-file F]

What lives in this file, top to bottom (server plumbing, SigV4 and XML basics: awsfake.py):
  * constants: API version, XML namespace, KMS keys and aliases, settings, RDS fault -> HTTP status
  * request parameter parsing and validation (Tags.Tag.N.*, booleans, identifiers, ARNs)
  * PreSignedUrl checks (its signature is recomputed by botocore's SigV4QueryAuth, in awsfake)
  * the snapshot model: seed data per region, KMS key resolution, copies, copy progress, XML rendering
  * scripted faults: SourceDBClusterSnapshotIdentifier "fault-...", "flaky-..." and "created-then-..."
    on CopyDBClusterSnapshot (listed below); scripted copies "ends-..." and "delayed-..."
  * the actions CopyDBClusterSnapshot, DescribeDBClusterSnapshots, DeleteDBClusterSnapshot
  * Standin: in-memory state, counters, the /__standin/ control API and <state-dir>/journal.jsonl
    (journal lines and /__standin/last name the signing access key as "akid")
  * the RDS Handler and main()

Scripted behaviour, chosen by the SourceDBClusterSnapshotIdentifier of a CopyDBClusterSnapshot
whose signature was verified. fault- names are matched on the parameter as given, flaky- and
created-then- names also on the identifier at the end of a cluster-snapshot ARN (a PreSignedUrl that
comes along is verified, as for any source).
  fault-<Code>              ErrorResponse with that code, status from ERROR_STATUS (else 400)
  fault-http-500-html       500, text/html body          fault-http-503-empty   503, empty body
  fault-not-xml             200 "this is not xml"        fault-wrong-root       200 <Something/>
  fault-doctype             200 reply with an internal DTD and entity references
  fault-external-entity     200 reply with a SYSTEM entity (file:///etc/passwd)
  fault-big                 200 valid reply of exactly 3 MiB
  fault-truncated           Content-Length of the whole reply, half of it, then an orderly close
  fault-redirect            302 to http://169.254.169.254/latest/meta-data/
  fault-slow                FaultSlow (400) after slow_seconds; stops waiting when the client leaves
  fault-echo-secret         InvalidParameterValue (400) whose message holds the caller's secret access
                            key and session token, as they are, percent-encoded (as in a PreSignedUrl)
                            and encoded twice (a hostile endpoint; no AWS endpoint does this)
  fault-drip                200 and headers (Content-Length of a whole valid reply), then one byte of
                            the body every 2 s (the first at once); stops when the client leaves
  fault-reset-mid-body      200, headers with Content-Length, half the body, then a TCP RST
                            (SO_LINGER 0, then close; no TLS close_notify)
  fault-huge-chunked        200, Transfer-Encoding: chunked, no Content-Length, 10 MiB of XML-looking
                            bytes (a reply whose DBClusterSnapshot holds a huge <Padding>) in 64 KiB
                            chunks; stops when the client leaves (or stops reading for 30 s)
  fault-gzip                200, Content-Encoding: gzip, body = a gzipped valid reply (sent although
                            no client asks for gzip: a client must not decode it)
  fault-huge-headers        200 valid reply after 25 X-Standin-Padding-NN headers, 4 KiB a line
                            (100 KiB of header lines)
  flaky-<kind>-<n>          the first n requests for this (source, target) pair fail with <kind>;
                            every later one is a real copy of us-east-1's my-cluster-snapshot1 to the
                            target in the request's region (SourceDBClusterSnapshotArn = the ARN of
                            the source as named, so a client can reconcile by source),
                            with all the usual checks (a second success: AlreadyExistsFault). kind:
                              500 502 503 504 429   that status, ErrorResponse InternalFailure,
                                                    BadGateway, ServiceUnavailable, GatewayTimeout,
                                                    TooManyRequestsException (Type Receiver if 5xx)
                              500html               500, text/html body
                              reset                 no reply: TCP RST (as fault-reset-mid-body)
                              <Code>                ErrorResponse <Code>, status as for fault-<Code>
                                                    (Throttling, ThrottlingException, RequestTimeout..)
                            Error messages read "Injected flaky failure <kind> (attempt i of n)."
                            An unknown kind is answered InvalidParameterValue (400), every time.
  created-then-<kind>       the copy is made (as flaky- does after its failures, copies_created + 1),
                            but instead of the success reply the client gets, by kind:
                              reset     no reply: TCP RST
                              timeout   no reply for slow_seconds (default 30), then a TCP RST;
                                        stops waiting when the client leaves
                              503       ServiceUnavailable (503) ErrorResponse
                              garbage   200 "not xml"
                            A retry finds DBClusterSnapshotAlreadyExistsFault; Describe shows the copy.
                            POST /__standin/lost_reply changes what that copy carries (another KMS
                            key, no SourceDBClusterSnapshotArn), to test a client's reconciliation.
  ends-<status>-<n>         a real copy (as flaky- makes it) that advances as usual on each Describe that
                            returns it, but stops at 99 percent: the n-th such Describe (n >= 1) shows
                            Status <status> (failed, incompatible-restore, deleted, ... or copying) with
                            the percent it had, and from then on it stays exactly so. ends-failed-2: one
                            Describe shows copying 50 %, the next failed; ends-copying-1: copying at 0 %
                            for ever (a copy that never finishes).
  delayed-<s>               a real copy (as flaky- makes it, counted at once), whose success reply is sent
                            after s seconds (1..600); stops waiting when the client leaves.
Attempts of CopyDBClusterSnapshot are counted per "source|target" (any source, once the signature,
action and both identifiers are there); requests naming a TargetDBClusterSnapshotIdentifier per
target, whatever their outcome. Status 0 in /__standin/last means that no HTTP reply was sent.
Journal lines carry action, region, akid, source, target, outcome, verified, presigned (a PreSignedUrl
came); CopyDBClusterSnapshot requests also "kms_key_id" (KmsKeyId as sent, null if none) and
"presigned_verified"; requests that name a DBClusterSnapshotIdentifier also "identifier", and
DescribeDBClusterSnapshots requests "params" (their parameters but Action and Version: filters,
MaxRecords, Marker).

AWS behaviour followed (sources named at each place in the code): KmsKeyId may be a key id, key ARN,
alias name or alias ARN of the request's region and is shown as the key ARN (aliases resolved with
the table of GET/POST /__standin/kms); SourceDBClusterSnapshotArn only on copies; a PreSignedUrl is
required only in GovCloud (us-gov-*) for a cross-region copy of an encrypted snapshot, and verified
whenever one comes; DeleteDBClusterSnapshot only of available snapshots and copying copies; fault
codes and HTTP statuses from botocore's service model. Snapshot identifiers are not case-sensitive and
are stored in lower case (snapshot_key): a copy to My-Snap is shown as my-snap (in its ARN too), and any
case names it, as a source, a target, DBClusterSnapshotIdentifier, DBClusterIdentifier or a
db-cluster-snapshot-id / db-cluster-id filter value; scripted source names (but for fault-<Code> and a
flaky- kind) are matched in any case. An automated snapshot (SnapshotType automated, seeded as
rds:<name>) is found by DBClusterSnapshotIdentifier only with SnapshotType=automated, as the API
reference requires (else DBClusterSnapshotNotFoundFault, the stand-in's reading). StorageEncryptionType
is sse-kms for a snapshot with a KMS key, none without.
The outcome of a flaky-/created-then- reply (journal, stats "rejected") is the error code of an
ErrorResponse, else the flaky-/created-then- name; created-then- ones count as rejected although
the copy exists.

Copies progress when a DescribeDBClusterSnapshots returns them: a new copy is 'copying' at 0 %
(or first 'creating', see creating_describes); each Describe moves it progress_step percent further;
at 100 it is 'available'. A Describe that fails (not found) changes nothing.

Control API (JSON in and out):
  GET  /__standin/stats      requests, verified, copies_created, presigned_verified, by_action,
                             rejected (by outcome), attempts {"source|target": n},
                             requests_by_target {target: n} (TargetDBClusterSnapshotIdentifier only),
                             by_action_snapshot {action: {snapshot: n}}: requests per action and per
                             snapshot named (TargetDBClusterSnapshotIdentifier, else
                             DBClusterSnapshotIdentifier, else each db-cluster-snapshot-id filter value,
                             else "*"), whatever their outcome
  GET  /__standin/snapshots  every snapshot, without advancing any: {region: {id: {status, percent,
                             cluster, type, source_arn}}}; ?region=R for one region
  GET  /__standin/last       the last RDS request: action, region, akid, status, outcome, params ...
  GET  /__standin/config     the settings; POST /__standin/config {setting: number, ...} changes some:
         snapshot_quota        1000  snapshots per region before SnapshotQuotaExceeded
         max_skew_seconds      300   allowed |X-Amz-Date - now| (else RequestExpired), and how far a
                                     PreSignedUrl may be dated in the future
         slow_seconds          30    delay of fault-slow and created-then-timeout
         expired_keys_up_to    0     temporary keys AKIDTEMP<n> with n <= this get ExpiredToken
         clock_offset_seconds  0     shifts the stand-in's "now" (may be negative): the X-Amz-Date
                                     and PreSignedUrl checks, SnapshotCreateTime of copies, and the
                                     Date header of every reply (RFC 7231 format), errors included.
                                     Journal timestamps and the log keep the real time.
         progress_step         50    percent a copy advances per Describe that returns it (0..100;
                                     0: copies never advance)
         creating_describes    0     a new copy is 'creating' (0 %) for this many Describes that
                                     return it, then 'copying' at 0 % (the copy reply shows creating)
       AWS's limits, all 0 (off) by default:
         copy_seconds          0     a copy stays 'copying' this long, percent rising with time, then
                                     is 'available' (Describes no longer advance it)
         cross_region_copy_limit 0   at most this many cross-region copies (source in another region)
                                     'creating'/'copying' per destination region; one more: 400
                                     SnapshotQuotaExceeded "Cannot copy more than N snapshots across
                                     regions" (AWS: 5)
         manual_snapshot_quota 0     manual snapshots per region; one more: 400 SnapshotQuotaExceeded
                                     "Cannot create more than N manual snapshots" (AWS default 100)
         throttle_rate         0     RDS calls per second per region (any action); more within one
                                     second: 400 Throttling "Rate exceeded"
         throttle_percent      0     that percent of RDS calls, spread evenly, get Throttling
  POST /__standin/reset      seed data, settings, counters, journal and black holes back to the start
  POST /__standin/seed       {"identifiers": [id, ...]} or {"prefix": "p-", "count": n}, and optionally
                             "region" (us-east-1), "cluster" (my-cluster), "snapshot_type" (manual;
                             automated ones may be named rds:<identifier>), stored in lower case,
                             "status" (available; percent 100, else 0), "source" (an identifier or
                             ARN: SourceDBClusterSnapshotArn, as a copy of it would have; without
                             it the snapshot is an original and has none), "kms_key" (a KmsKeyId:
                             encrypted with that key) -> {"seeded": n}:
                             snapshots made without a request (none is counted). 400, and nothing made,
                             when one exists already. prefix+count names are prefix + 4 digits.
  GET  /__standin/kms        {"keys": [key id, ...], "aliases": {"alias/name": key id}}: the KMS keys that
                             exist (the same ids in every region; default k and
                             1234abcd-12ab-34cd-56ef-1234567890ab) and the aliases KMS resolves (default
                             alias/backup -> k, alias/other -> 1234abcd-...); POST the same shape to add
                             keys and aliases (400 if an alias names an unknown key)
  GET  /__standin/lost_reply {"kms_key": null, "omit_source_arn": false}; POST to change: the copy that a
                             created-then- source makes is encrypted with kms_key (any KmsKeyId form,
                             resolved in the request's region) instead of the key requested, and/or
                             carries no SourceDBClusterSnapshotArn (omit_source_arn true). Until reset.
  POST /__standin/blackhole  -> {"port": p}: a socket listening on 127.0.0.1:p with backlog 0 that
                             never accepts; the stand-in itself connects to it twice (kept open) so
                             its accept queue is full and Linux drops further SYNs: a connect() to p
                             hangs until the client's timeout. Closed on reset and at exit.

The server plumbing, SigV4 verification (botocore), the temporary credentials, the Query-API
XML and the journal file live in awsfake.py, shared with fake_credentials.py; this file holds what
is RDS's. Names tests use from before (RdsError, verify_sigv4, temporary_credential, ...) are
still importable from here.

Only the Python standard library and Debian's python3-botocore are used. Secrets (secret keys,
session tokens, Authorization values) are never logged, journaled or returned.
"""

import argparse
import dataclasses
import datetime
import email.utils
import gzip
import math
import os
import re
import select
import socket
import sys
import threading
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from collections import namedtuple
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import awsfake  # noqa: E402  (lives next to this file)
from awsfake import (ACCOUNT, REGION_RE, AwsError, BaseHandler, Reply, check_not_expired,  # noqa: E402
                     check_presign_signature, claimed_scope, iso_ms, known_credential, lenient_params,
                     loopback_host, parse_amz_date, parse_form, serialize, serve_control, serve_until_signalled,
                     server_tls_context, split_presigned_url, token_matches, utcnow, verify_sigv4,
                     write_ready_file)
# re-exported for the self-tests and older callers
from awsfake import Credential, botocore_signature, temporary_credential  # noqa: E402,F401

# ------------------------------------------------------------------------------------------------
# Constants

API_VERSION = '2014-10-31'
NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/'
SERVICE = 'rds'
CONTROL_PREFIX = '/__standin/'
MAX_PRESIGN_EXPIRES = 7 * 24 * 3600

# The stand-in's KMS: key ids that exist (the same ids in every region) and aliases -> key id.
# KmsKeyId may be "the key ARN, key ID, alias ARN, or alias name" (botocore service model,
# CopyDBClusterSnapshotMessage.KmsKeyId); at AWS, KMS resolves an alias to its key, here this table
# does (GET/POST /__standin/kms shows and extends it; reset restores it).
DEFAULT_KMS_KEYS = ('k', '1234abcd-12ab-34cd-56ef-1234567890ab')
DEFAULT_KMS_ALIASES = {'alias/backup': 'k', 'alias/other': '1234abcd-12ab-34cd-56ef-1234567890ab'}
KMS_ARN_RE = re.compile(r'arn:([a-z-]+):kms:([a-z0-9-]+):([0-9]{12}):((key|alias)/(.+))')
KMS_KEY_ID_RE = re.compile(r'[A-Za-z0-9-]{1,64}')
KMS_ALIAS_RE = re.compile(r'alias/[A-Za-z0-9/_-]{1,250}')
GOVCLOUD_PREFIX = 'us-gov-'

# expired_keys_up_to: temporary keys AKIDTEMP<n> with n at most this are answered ExpiredToken
# clock_offset_seconds: shifts the stand-in's "now" (checks, Date header); the only one that may be negative
# progress_step: percent a copy advances per Describe; creating_describes: Describes a new copy stays creating
# AWS's limits (all 0 = off, the default; the fleet tests turn them on):
#   copy_seconds: a copy is 'copying' for this long (percent rising with time), then 'available'
#     (Describes then do not advance it); cross_region_copy_limit: cross-region copies in progress per
#     destination region; manual_snapshot_quota: manual snapshots per region; throttle_rate: RDS calls
#     per second (all actions, per region, a one-second window) above which a call gets Throttling;
#     throttle_percent: that percent of RDS calls (spread evenly) get Throttling
DEFAULT_CONFIG = {'snapshot_quota': 1000, 'max_skew_seconds': 300, 'slow_seconds': 30,
                  'expired_keys_up_to': 0, 'clock_offset_seconds': 0, 'progress_step': 50,
                  'creating_describes': 0, 'copy_seconds': 0, 'cross_region_copy_limit': 0,
                  'manual_snapshot_quota': 0, 'throttle_rate': 0, 'throttle_percent': 0}
SETTING_MAXIMUM = {'progress_step': 100, 'throttle_percent': 100}
# What a created-then- source's copy carries (POST /__standin/lost_reply): kms_key, a KmsKeyId to use
# instead of the one requested (null: as requested); omit_source_arn: no SourceDBClusterSnapshotArn
DEFAULT_LOST_REPLY = {'kms_key': None, 'omit_source_arn': False}
SIGNED_SETTINGS = ('clock_offset_seconds',)
MAX_SETTING = 1e9

# Faults of the actions served, with their status. Source: botocore's service model
# (data/rds/2014-10-31/service-2.json), each fault shape's "error" block: DBClusterSnapshotNotFoundFault
# httpStatusCode 404; DBClusterSnapshotAlreadyExistsFault, InvalidDBClusterSnapshotStateFault,
# InvalidDBClusterStateFault, SnapshotQuotaExceededFault (wire code "SnapshotQuotaExceeded") and
# KMSKeyNotAccessibleFault 400. The common Query-API errors are in awsfake.ERROR_STATUS.
RDS_ERROR_STATUS = dict(awsfake.ERROR_STATUS, DBClusterSnapshotNotFoundFault=404)


# The messages of AWS's limits, as AWS words them (issue 10 quotes them from AWS's replies): the
# SnapshotQuotaExceeded code means both the in-progress limit of cross-region copies and the account's
# manual-snapshot quota; Throttling (400, "Rate exceeded") is the Query APIs' throttling error, one of
# botocore's _THROTTLED_ERROR_CODES (botocore/retries/standard.py).
IN_PROGRESS_MESSAGE = 'Cannot copy more than {} snapshots across regions'
MANUAL_QUOTA_MESSAGE = 'Cannot create more than {} manual snapshots'
THROTTLING_MESSAGE = 'Rate exceeded'
IN_PROGRESS_STATUSES = ('creating', 'copying')


class RdsError(AwsError):
    """An RDS error reply: ErrorResponse with this code and message (status from RDS_ERROR_STATUS)."""
    STATUS = RDS_ERROR_STATUS


IDENTIFIER_RE = re.compile(r'(?!.*--)[A-Za-z][A-Za-z0-9-]{0,62}(?<!-)')
TAG_PARAM_RE = re.compile(r'Tags\.Tag\.([1-9][0-9]*)\.(Key|Value)')
FAULT_CODE_RE = re.compile(r'[A-Za-z][A-Za-z0-9]*')
# scripted names are matched ignoring case as identifiers are (but a flaky- kind that is an error code
# keeps its case)
FLAKY_RE = re.compile(r'(?i:flaky-)([A-Za-z0-9]+)-([0-9]{1,6})')
CREATED_THEN_PREFIX = 'created-then-'
ENDS_RE = re.compile(r'ends-([a-z]+(?:-[a-z]+)*)-([1-9][0-9]{0,5})')
DELAYED_RE = re.compile(r'delayed-([1-9][0-9]{0,2})')
MAX_DELAY_SECONDS = 600
SNAPSHOT_TYPES = ('manual', 'automated', 'shared', 'public', 'awsbackup')
# AWS names automated cluster snapshots rds:<cluster>-<date>
AUTOMATED_PREFIX = 'rds:'


def log(message, name='rds-standin'):
    awsfake.log(message, name)


def shifted_now(config):
    """The stand-in's "now": the real time moved by the clock_offset_seconds setting."""
    return utcnow() + datetime.timedelta(seconds=config['clock_offset_seconds'])


# ------------------------------------------------------------------------------------------------
# PreSignedUrl verification

PRESIGN_REQUIRED = ('X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires',
                    'X-Amz-SignedHeaders', 'X-Amz-Signature')
OUTER_ONLY_PARAMS = ('Action', 'Version', 'PreSignedUrl')
PRESIGN_ONLY_PARAMS = ('Action', 'Version', 'DestinationRegion')


def presign_error(message):
    return RdsError('InvalidParameterValue', message)


def rds_endpoint_host(region):
    suffix = 'amazonaws.com.cn' if region.startswith('cn-') else 'amazonaws.com'
    return f'rds.{region}.{suffix}'



def presigned_url_view(url):
    """Decoded PreSignedUrl for /__standin/last, with the session token redacted."""
    try:
        parts, params = split_presigned_url(url)
    except AwsError as error:
        return {'error': error.message}
    if 'X-Amz-Security-Token' in params:
        params['X-Amz-Security-Token'] = '<redacted>'
    return {'host': parts.netloc, 'path': parts.path, 'params': params}


def check_presign_credential(params, source_region):
    """Credential scope, session token and signing parameters of a PreSignedUrl."""
    missing = [name for name in PRESIGN_REQUIRED if name not in params]
    if missing:
        raise presign_error(f"PreSignedUrl is missing {', '.join(missing)}.")
    if params['X-Amz-Algorithm'] != 'AWS4-HMAC-SHA256':
        raise presign_error('PreSignedUrl X-Amz-Algorithm must be AWS4-HMAC-SHA256.')
    scope = params['X-Amz-Credential'].split('/')
    if len(scope) != 5 or scope[4] != 'aws4_request' or scope[3] != SERVICE:
        raise presign_error('PreSignedUrl X-Amz-Credential must be <key>/<YYYYMMDD>/<region>/rds/aws4_request.')
    credential = known_credential(scope[0])
    if credential is None:
        raise presign_error(f'PreSignedUrl access key {scope[0]} is not known.')
    if not token_matches(credential, params.get('X-Amz-Security-Token')):
        raise presign_error('PreSignedUrl X-Amz-Security-Token is missing or invalid.')
    if scope[2] != source_region:
        raise presign_error(f'PreSignedUrl is signed for region {scope[2]} but the source snapshot '
                            f'is in {source_region}.')
    if parse_amz_date(params['X-Amz-Date']) is None or params['X-Amz-Date'][:8] != scope[1]:
        raise presign_error('PreSignedUrl X-Amz-Date is malformed or does not match the credential date.')
    if not params['X-Amz-Expires'].isdigit() or not 1 <= int(params['X-Amz-Expires']) <= MAX_PRESIGN_EXPIRES:
        raise presign_error('PreSignedUrl X-Amz-Expires must be 1..604800.')
    if params['X-Amz-SignedHeaders'] != 'host':
        raise presign_error('PreSignedUrl X-Amz-SignedHeaders must be host.')
    return scope[0], credential



def check_presign_content(params, outer_params, region):
    """The PreSignedUrl must describe the same copy as the request that carries it."""
    if params.get('Action') != 'CopyDBClusterSnapshot':
        raise presign_error('PreSignedUrl Action must be CopyDBClusterSnapshot.')
    if params.get('Version') != API_VERSION:
        raise presign_error(f'PreSignedUrl Version must be {API_VERSION}.')
    if params.get('DestinationRegion') != region:
        raise presign_error(f"PreSignedUrl DestinationRegion {params.get('DestinationRegion')} does not match "
                            f'the request region {region}.')
    inner = {k: v for k, v in params.items() if not k.startswith('X-Amz-') and k not in PRESIGN_ONLY_PARAMS}
    outer = {k: v for k, v in outer_params.items() if k not in OUTER_ONLY_PARAMS}
    differing = sorted(k for k in inner.keys() | outer.keys() if inner.get(k) != outer.get(k))
    if differing:
        raise presign_error(f"PreSignedUrl parameters differ from the request: {', '.join(differing)}.")


def check_presign_expiry(params, now, max_skew_seconds):
    signed_at = parse_amz_date(params['X-Amz-Date'])
    if now > signed_at + datetime.timedelta(seconds=int(params['X-Amz-Expires'])):
        raise presign_error('PreSignedUrl has expired.')
    if (signed_at - now).total_seconds() > max_skew_seconds:
        raise presign_error('PreSignedUrl X-Amz-Date is in the future.')


def verify_presigned_url(url, outer_params, region, source_region, local_host, now=None, max_skew_seconds=300):
    """Verify a CopyDBClusterSnapshot PreSignedUrl; raise RdsError(InvalidParameterValue) if wrong.

    region: region of the request carrying the URL; source_region: region of the source snapshot;
    local_host: Host header of that request (a URL made against a custom endpoint keeps that host).
    now=None disables the expiry check.
    """
    parts, params = split_presigned_url(url)
    if parts.netloc.lower() not in (rds_endpoint_host(source_region), local_host.lower()):
        raise presign_error(f'PreSignedUrl host {parts.netloc} is not {rds_endpoint_host(source_region)}.')
    access_key, credential = check_presign_credential(params, source_region)
    check_presign_signature(parts, params, access_key, credential, source_region)
    check_presign_content(params, outer_params, region)
    if now is not None:
        check_presign_expiry(params, now, max_skew_seconds)


# ------------------------------------------------------------------------------------------------
# Request parameters


def parse_filters(params):
    """{snapshot field: set of values} from Filters.Filter.N.*; InvalidParameterValue for a bad one."""
    names, values = {}, {}
    for key, value in params.items():
        match = FILTER_PARAM_RE.fullmatch(key)
        if match is None:
            continue
        number = int(match.group(1))
        if match.group(2) == 'Name':
            names[number] = value
        else:
            values.setdefault(number, set()).add(value)
    filters = {}
    for number in sorted(set(names) | set(values)):
        name = names.get(number)
        if name not in FILTER_FIELDS or not values.get(number):
            raise RdsError('InvalidParameterValue', f'Unrecognized filter name or no values: {name}')
        filters.setdefault(FILTER_FIELDS[name], set()).update(values[number])
    return filters


def check_known_params(action, params, allowed, allow_tags=False):
    for name in params:
        if name == 'SourceRegion':
            raise RdsError('InvalidParameterValue', 'SourceRegion is not an API parameter.')
        if name in allowed or name in ('Action', 'Version') or (allow_tags and TAG_PARAM_RE.fullmatch(name)):
            continue
        if 'Filters' in allowed and FILTER_PARAM_RE.fullmatch(name):
            continue
        raise RdsError('InvalidParameterValue', f'Unknown parameter {name} for {action}.')


def required(params, name):
    value = params.get(name)
    if value is None:
        raise RdsError('MissingParameter', f'The request must contain the parameter {name}')
    return value


def parse_bool(params, name, default=False):
    value = params.get(name)
    if value is None:
        return default
    if value.lower() not in ('true', 'false'):
        raise RdsError('InvalidParameterValue', f'Invalid boolean value {value!r} for {name}.')
    return value.lower() == 'true'


def parse_tags(params):
    """Tags.Tag.N.Key / Tags.Tag.N.Value (N = 1..count, no gaps) -> [{'Key', 'Value'}, ...]"""
    if params.get('Tags', '') != '':
        raise RdsError('InvalidParameterValue', 'Tags must be given as Tags.Tag.N.Key / Tags.Tag.N.Value.')
    by_index = {}
    for name, value in params.items():
        match = TAG_PARAM_RE.fullmatch(name)
        if match:
            by_index.setdefault(int(match.group(1)), {})[match.group(2)] = value
    if sorted(by_index) != list(range(1, len(by_index) + 1)):
        raise RdsError('InvalidParameterValue', 'Tags.Tag.N indexes must run 1, 2, ... without gaps.')
    tags = []
    for index in sorted(by_index):
        if not by_index[index].get('Key'):
            raise RdsError('InvalidParameterValue', f'Tags.Tag.{index}.Key is missing or empty.')
        tags.append({'Key': by_index[index]['Key'], 'Value': by_index[index].get('Value', '')})
    return tags


def check_identifier(name, value):
    if not IDENTIFIER_RE.fullmatch(value):
        raise RdsError('InvalidParameterValue',
                       f'The parameter {name} is not a valid identifier. Identifiers must begin with a letter; '
                       'must contain only ASCII letters, digits, and hyphens; '
                       'and must not end with a hyphen or contain two consecutive hyphens.')


SnapshotRef = namedtuple('SnapshotRef', 'given region account identifier')


def snapshot_key(identifier):
    """How a snapshot identifier is stored and looked up: in lower case. botocore's rds model (the API
    reference's text): CopyDBClusterSnapshotMessage.SourceDBClusterSnapshotIdentifier and
    TargetDBClusterSnapshotIdentifier "This parameter isn't case-sensitive";
    CreateDBClusterSnapshotMessage.DBClusterSnapshotIdentifier and
    DescribeDBClusterSnapshotsMessage.DBClusterSnapshotIdentifier "This parameter is stored as a
    lowercase string" / "This value is stored as a lowercase string". So a snapshot copied to My-Snap is
    shown as my-snap, with my-snap in its ARN, and My-Snap, MY-SNAP and my-snap all name it."""
    return identifier.lower()


def snapshot_ref(given, region):
    """Plain id (in region, this account) or cluster-snapshot ARN -> SnapshotRef; the identifier in
    lower case (snapshot_key), the ARN's other fields exactly as given. An automated snapshot's
    identifier (rds:...) holds a colon, so an ARN's identifier is everything after its sixth colon."""
    if not given.startswith('arn:'):
        return SnapshotRef(given, region, ACCOUNT, snapshot_key(given))
    fields = given.split(':', 6)
    if len(fields) != 7 or fields[2] != 'rds' or fields[5] != 'cluster-snapshot' or not fields[6]:
        raise RdsError('InvalidParameterValue', f'{given} is not a valid DB cluster snapshot ARN.')
    return SnapshotRef(given, fields[3], fields[4], snapshot_key(fields[6]))


# ------------------------------------------------------------------------------------------------
# Snapshot model and XML

SEED_SNAPSHOT_TIME = datetime.datetime(2026, 11, 1, 3, 10, 5, 616000, tzinfo=datetime.timezone.utc)
SEED_CLUSTER_TIME = datetime.datetime(2026, 1, 15, 16, 57, 52, 695000, tzinfo=datetime.timezone.utc)

# DBClusterSnapshot members in output order. StorageEncryptionType is not known to botocore 1.29 (which
# must ignore it, as clients ignore unknown members); botocore 1.43 and rds_copy 1.1 read it.
SNAPSHOT_FIELDS = (
    'AvailabilityZones', 'DBClusterSnapshotIdentifier', 'DBClusterIdentifier', 'SnapshotCreateTime', 'Engine',
    'EngineMode', 'AllocatedStorage', 'Status', 'Port', 'VpcId', 'ClusterCreateTime', 'MasterUsername',
    'EngineVersion', 'LicenseModel', 'SnapshotType', 'PercentProgress', 'StorageEncrypted',
    'StorageEncryptionType', 'KmsKeyId', 'DBClusterSnapshotArn', 'SourceDBClusterSnapshotArn',
    'IAMDatabaseAuthenticationEnabled', 'TagList', 'StorageType', 'DbClusterResourceId', 'DBSystemId',
    'BackupRetentionPeriod', 'PreferredBackupWindow', 'StorageThroughput',
)


def partition(region):
    """ARN partition of a region: botocore's partitions (shared reference section 7: aws-cn for
    ^cn-, aws-us-gov for ^us-gov-, else aws)."""
    if region.startswith('cn-'):
        return 'aws-cn'
    if region.startswith(GOVCLOUD_PREFIX):
        return 'aws-us-gov'
    return 'aws'


def snapshot_arn(region, identifier):
    return f'arn:{partition(region)}:rds:{region}:{ACCOUNT}:cluster-snapshot:{identifier}'


def kms_key_arn(region, key_id='k'):
    return f'arn:{partition(region)}:kms:{region}:{ACCOUNT}:key/{key_id}'


def kms_not_accessible(key):
    # KMSKeyNotAccessibleFault (400): botocore service model, CopyDBClusterSnapshot "errors"; the
    # message is the one moto sends (shared reference section 8, moto's _validate_kms_key).
    return RdsError('KMSKeyNotAccessibleFault',
                    f'Specified KMS key [{key}] does not exist, is not enabled or you do not have '
                    'permissions to access it.')


def resolve_kms_key(key, region, keys, aliases):
    """The key ARN that KmsKeyId key names in region, or raise KMSKeyNotAccessibleFault.

    Following botocore's service model (CopyDBClusterSnapshotMessage.KmsKeyId): the value is "the
    key ARN, key ID, alias ARN, or alias name", and "KMS keys are specific to the Amazon Web Services
    Region that they are created in, and you can't use KMS keys from one Amazon Web Services Region in
    another" -- so an ARN of another region (or partition) is not accessible. A key ARN is echoed as
    sent; a key id becomes the ARN of that key in region; an alias (name or ARN) becomes the ARN of
    the key it maps to (DBClusterSnapshot.KmsKeyId is "the key ARN, key ID, alias ARN, or alias name";
    RDS shows the key ARN, as moto does). Other accounts' keys: not accessible (one account here).
    """
    match = KMS_ARN_RE.fullmatch(key)
    if match:
        arn_partition, key_region, account, _, kind, name = match.groups()
        if (arn_partition, key_region, account) != (partition(region), region, ACCOUNT):
            raise kms_not_accessible(key)
        if kind == 'key':
            if name not in keys:
                raise kms_not_accessible(key)
            return key
        alias = 'alias/' + name
    elif key.startswith('alias/'):
        alias = key
    else:
        if key not in keys:
            raise kms_not_accessible(key)
        return kms_key_arn(region, key)
    if alias not in aliases:
        raise kms_not_accessible(key)
    return kms_key_arn(region, aliases[alias])


def set_encryption(snapshot, kms_key):
    """Encrypted with kms_key (a key ARN), or not encrypted (None). botocore 1.43's rds model,
    DBClusterSnapshot.StorageEncryptionType: "none - The DB cluster snapshot is not encrypted. sse-rds -
    ... encrypted using an Amazon Web Services owned KMS key. sse-kms - ... encrypted using a customer
    managed KMS key or Amazon Web Services managed KMS key", and StorageEncrypted is false for sse-rds.
    Every encrypted snapshot here has a KmsKeyId (a customer managed key): sse-kms; an unencrypted one
    is reported as none (the model lists none as the value for that case, so it is sent, not left
    out). sse-rds (an AWS owned key, no KmsKeyId to name) is never made here."""
    snapshot['StorageEncrypted'] = kms_key is not None
    snapshot['StorageEncryptionType'] = 'sse-kms' if kms_key else 'none'
    snapshot['KmsKeyId'] = kms_key


def seed_snapshot(region, identifier, zones='abc', tags=(), status='available', kms_key=None):
    snapshot = {
        'AvailabilityZones': [region + zone for zone in zones],
        'DBClusterSnapshotIdentifier': snapshot_key(identifier),
        'DBClusterIdentifier': 'my-cluster',
        'SnapshotCreateTime': SEED_SNAPSHOT_TIME,
        'Engine': 'aurora-postgresql',
        'EngineMode': 'provisioned',
        'AllocatedStorage': 1,
        'Status': status,
        'Port': 5432,
        'VpcId': 'vpc-0abc',
        'ClusterCreateTime': SEED_CLUSTER_TIME,
        'MasterUsername': 'postgres',
        'EngineVersion': '15.4',
        'LicenseModel': 'postgresql-license',
        'SnapshotType': 'manual',
        'PercentProgress': 100 if status == 'available' else 40,
        'DBClusterSnapshotArn': snapshot_arn(region, snapshot_key(identifier)),
        'SourceDBClusterSnapshotArn': None,
        'IAMDatabaseAuthenticationEnabled': False,
        'TagList': [{'Key': key, 'Value': value} for key, value in tags],
        'StorageType': 'aurora',
        'DbClusterResourceId': 'cluster-ABCDEFGHIJKL',
        'DBSystemId': '',
        'BackupRetentionPeriod': 7,
        'PreferredBackupWindow': '03:00-04:00',
        'StorageThroughput': 0,
    }
    set_encryption(snapshot, kms_key)
    return snapshot


def seed_regions():
    """Fresh seed data: {region: {snapshot id: snapshot}}."""
    prod = (('team', 'db'), ('env', 'prod'))
    snapshots = [
        seed_snapshot('us-east-1', 'my-cluster-snapshot1', tags=prod),
        seed_snapshot('us-east-1', 'busy-snapshot', tags=prod, status='creating'),
        seed_snapshot('us-east-1', 'encrypted-snapshot', tags=prod, kms_key=kms_key_arn('us-east-1')),
        seed_snapshot('us-west-2', 'west-snapshot', zones='ab', tags=(('team', 'db'),)),
        seed_snapshot('eu-west-1', 'eu-snapshot'),
        # GovCloud (US), where a PreSignedUrl is required for an encrypted cross-region copy
        seed_snapshot('us-gov-west-1', 'gov-encrypted', zones='ab', kms_key=kms_key_arn('us-gov-west-1')),
        seed_snapshot('us-gov-west-1', 'gov-plain', zones='ab'),
    ]
    regions = {}
    for snapshot in snapshots:
        region = snapshot['DBClusterSnapshotArn'].split(':')[3]
        regions.setdefault(region, {})[snapshot['DBClusterSnapshotIdentifier']] = snapshot
    return regions


def make_copy(source, region, target, kms_key, tags, now, creating_describes=0):
    """A copy of source; kms_key: the resolved key ARN (resolve_kms_key) or None for the source's key.
    SourceDBClusterSnapshotArn: the source's ARN (DBClusterSnapshot.SourceDBClusterSnapshotArn in
    botocore's service model: "If the DB cluster snapshot was copied from a source DB cluster snapshot,
    the Amazon Resource Name (ARN) for the source DB cluster snapshot, otherwise, a null value")."""
    copy = {key: value for key, value in source.items() if not key.startswith('_')}
    copy.update({
        'AvailabilityZones': [region + zone[-1] for zone in source['AvailabilityZones']],
        'DBClusterSnapshotIdentifier': snapshot_key(target),
        'SnapshotCreateTime': now,
        'Status': 'creating' if creating_describes else 'copying',
        'PercentProgress': 0,
        'SnapshotType': 'manual',
        'DBClusterSnapshotArn': snapshot_arn(region, snapshot_key(target)),
        'SourceDBClusterSnapshotArn': source['DBClusterSnapshotArn'],
        'TagList': [dict(tag) for tag in tags],
    })
    if creating_describes:
        copy['_creating'] = creating_describes
    if kms_key is not None:
        set_encryption(copy, kms_key)
    return copy


def advance_copy(snapshot, step=50):
    """What a Describe that returns a copy does to it: a creating one counts down its '_creating'
    Describes, then turns copying at 0 percent; a copying one moves step percent further, and at 100
    it is available. A copy with '_ends' (status, n) (an ends- source) stops at 99 percent, and on its
    n-th Describe takes that status and keeps it; '_frozen' copies never change again."""
    if snapshot.get('_frozen'):
        return
    ends = snapshot.get('_ends')
    if ends is not None:
        snapshot['_seen'] = snapshot.get('_seen', 0) + 1
        if snapshot['_seen'] >= ends[1]:
            snapshot['Status'], snapshot['_frozen'] = ends[0], True
            return
    if snapshot['Status'] == 'creating' and snapshot.get('_creating'):
        snapshot['_creating'] -= 1
        if snapshot['_creating'] == 0:
            snapshot['Status'] = 'copying'
        return
    if snapshot['Status'] == 'copying':
        snapshot['PercentProgress'] = min(99 if ends else 100, snapshot['PercentProgress'] + int(step))
        if snapshot['PercentProgress'] == 100:
            snapshot['Status'] = 'available'


def settle_timed(snapshot, now):
    """A timed copy (copy_seconds, '_timed' = (start, seconds) on the monotonic clock): 'copying' with
    percent rising with time until its seconds have passed, then 'available'."""
    timed = snapshot.get('_timed')
    if timed is None or snapshot['Status'] not in IN_PROGRESS_STATUSES:
        return
    start, seconds = timed
    elapsed = now - start
    if elapsed >= seconds:
        snapshot['Status'], snapshot['PercentProgress'] = 'available', 100
    else:
        snapshot['Status'], snapshot['PercentProgress'] = 'copying', min(99, int(100 * elapsed / seconds))


def cross_region_in_progress(snapshots):
    """Cross-region copies in progress among one region's snapshots (settled first)."""
    return sum(1 for s in snapshots.values() if s.get('_cross_region') and s['Status'] in IN_PROGRESS_STATUSES)


def manual_snapshots(snapshots):
    return sum(1 for s in snapshots.values() if s['SnapshotType'] == 'manual')


def snapshot_view(snapshot):
    """What GET /__standin/snapshots shows of a snapshot."""
    return {'status': snapshot['Status'], 'percent': snapshot['PercentProgress'],
            'cluster': snapshot['DBClusterIdentifier'], 'type': snapshot['SnapshotType'],
            'source_arn': snapshot['SourceDBClusterSnapshotArn']}


def xml_text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, datetime.datetime):
        return iso_ms(value)
    return str(value)


def add_snapshot_element(parent, snapshot, tag='DBClusterSnapshot'):
    element = ET.SubElement(parent, tag)
    for name in SNAPSHOT_FIELDS:
        value = snapshot.get(name)
        if name == 'AvailabilityZones':
            zones = ET.SubElement(element, name)
            for zone in value:
                ET.SubElement(zones, 'AvailabilityZone').text = zone
        elif name == 'TagList':
            tag_list = ET.SubElement(element, name)
            for item in value:
                tag_element = ET.SubElement(tag_list, 'Tag')
                ET.SubElement(tag_element, 'Key').text = item['Key']
                ET.SubElement(tag_element, 'Value').text = item['Value']
        elif value is not None and value != '':
            ET.SubElement(element, name).text = xml_text(value)
    return element


def response_tree(action, request_id, namespace=NAMESPACE):
    """(<ActionResponse>, its <ActionResult>) with ResponseMetadata/RequestId filled in."""
    return awsfake.response_tree(action, request_id, namespace)


def error_document(code, message, request_id, status, namespace=NAMESPACE):
    return awsfake.error_document(code, message, request_id, status, namespace)

# ------------------------------------------------------------------------------------------------
# Replies and scripted faults

def error_reply(error, request_id, namespace=NAMESPACE):
    return awsfake.error_reply(error, request_id, namespace)

def canned_copy_tree(call, identifier):
    """A plausible CopyDBClusterSnapshotResponse tree (nothing is stored) for document faults."""
    root, result = response_tree('CopyDBClusterSnapshot', call.request_id)
    snapshot = seed_snapshot(call.region, identifier, status='copying')
    return root, add_snapshot_element(result, snapshot)


def entity_document(call, prolog, entity_reference):
    placeholder = 'standin-entity-placeholder'
    root, _ = canned_copy_tree(call, placeholder)
    text = serialize(root).decode('utf-8').replace(placeholder, entity_reference)
    return (prolog + text).encode('utf-8')


def fault_doctype(call, config):
    prolog = '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
    return Reply(200, entity_document(call, prolog, '&lol2;'))


def fault_external_entity(call, config):
    prolog = ('<?xml version="1.0"?>\n'
              '<!DOCTYPE CopyDBClusterSnapshotResponse [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')
    return Reply(200, entity_document(call, prolog, '&xxe;'))


def fault_big(call, config):
    size = 3 * 1024 * 1024
    root, snapshot_element = canned_copy_tree(call, call.params['TargetDBClusterSnapshotIdentifier'])
    padding = ET.SubElement(snapshot_element, 'Padding')
    padding.text = 'x'
    padding.text = 'x' * (1 + size - len(serialize(root)))
    return Reply(200, serialize(root))


def fault_truncated(call, config):
    root, _ = canned_copy_tree(call, call.params['TargetDBClusterSnapshotIdentifier'])
    body = serialize(root)
    return Reply(200, body[:len(body) // 2], declared_length=len(body))


def fault_slow(call, config):
    error = RdsError('FaultSlow', 'Injected fault slow.')
    return dataclasses.replace(error_reply(error, call.request_id), delay=config['slow_seconds'])


def canned_copy_body(call):
    root, _ = canned_copy_tree(call, call.params['TargetDBClusterSnapshotIdentifier'])
    return serialize(root)


HUGE_CHUNKED_BYTES = 10 * 1024 * 1024
HUGE_HEADER_LINES, HUGE_HEADER_LINE_BYTES = 25, 4096


def fault_huge_chunked(call, config):
    """10 MiB of bytes that look like a reply: a DBClusterSnapshot with a huge <Padding>."""
    placeholder = 'standin-padding-placeholder'
    root, snapshot_element = canned_copy_tree(call, call.params['TargetDBClusterSnapshotIdentifier'])
    ET.SubElement(snapshot_element, 'Padding').text = placeholder
    head, tail = serialize(root).split(placeholder.encode())
    body = head + b'x' * (HUGE_CHUNKED_BYTES - len(head) - len(tail)) + tail
    return Reply(200, body, transport='chunked')


def fault_huge_headers(call, config):
    """A valid reply after 100 KiB of header lines ("Name: value\\r\\n", 4 KiB each)."""
    headers = []
    for number in range(HUGE_HEADER_LINES):
        name = f'X-Standin-Padding-{number:02d}'
        headers.append((name, 'p' * (HUGE_HEADER_LINE_BYTES - len(name) - len(': \r\n'))))
    return Reply(200, canned_copy_body(call), headers=tuple(headers))


HTML_500 = b'<html><body>Internal Server Error</body></html>'


def fault_echo_secret(call, config):
    """An error whose message holds the caller's secret access key and session token.

    No AWS endpoint is known to do this; a broken proxy or a hostile endpoint could (an endpoint
    that echoes the request echoes the pre-signed URL's encoded token). It tests
    the client's defence in depth: whatever of its secrets comes back in a reply is blanked out
    before it reaches an error or a log (AWS itself echoes the session token in the canonical
    request of SignatureDoesNotMatch, which is tested through a wrong secret instead).
    """
    credential = awsfake.known_credential(call.access_key)
    secret = credential.secret if credential else ''
    token = (credential.token or '') if credential else ''
    def encoded(value):
        # SigV4's URI encoding (botocore's percent_encode, the pre-signed URL's form)
        return urllib.parse.quote(value, safe='-_.~')

    error = RdsError('InvalidParameterValue',
                     f'Injected echo: secret access key {secret} session token {token}'
                     f' encoded secret {encoded(secret)} encoded token {encoded(token)}'
                     f' encoded twice {encoded(encoded(token))} end.')
    return error_reply(error, call.request_id)

SPECIAL_FAULTS = {
    'http-500-html': lambda call, config: Reply(500, HTML_500, content_type='text/html'),
    'http-503-empty': lambda call, config: Reply(503, b'', content_type=None),
    'not-xml': lambda call, config: Reply(200, b'this is not xml'),
    'wrong-root': lambda call, config: Reply(200, b'<?xml version="1.0" encoding="UTF-8"?>\n<Something/>\n'),
    'doctype': fault_doctype,
    'external-entity': fault_external_entity,
    'big': fault_big,
    'slow': fault_slow,
    'redirect': lambda call, config: Reply(
        302, b'', content_type=None, headers=(('Location', 'http://169.254.169.254/latest/meta-data/'),)),
    'truncated': fault_truncated,
    'drip': lambda call, config: Reply(200, canned_copy_body(call), transport='drip'),
    'reset-mid-body': lambda call, config: Reply(200, canned_copy_body(call), transport='reset-mid-body'),
    'huge-chunked': fault_huge_chunked,
    'gzip': lambda call, config: Reply(200, gzip.compress(canned_copy_body(call), mtime=0),
                                       headers=(('Content-Encoding', 'gzip'),)),
    'huge-headers': fault_huge_headers,
    'echo-secret': fault_echo_secret,
}


def injected_fault(call, config):
    """Reply for a "fault-..." source identifier, or None when the source is not a fault name."""
    source = call.params['SourceDBClusterSnapshotIdentifier']
    if not source.startswith('fault-'):
        return None
    name = source[len('fault-'):]
    if name in SPECIAL_FAULTS:
        return dataclasses.replace(SPECIAL_FAULTS[name](call, config), outcome=source)
    if FAULT_CODE_RE.fullmatch(name):
        return error_reply(RdsError(name, f'Injected fault {name}.'), call.request_id)
    return None


FLAKY_STATUS_CODES = {429: 'TooManyRequestsException', 500: 'InternalFailure', 502: 'BadGateway',
                      503: 'ServiceUnavailable', 504: 'GatewayTimeout'}


def flaky_failure(source, kind, attempt, failures, call):
    """The failing reply of a flaky-<kind>-<n> source; InvalidParameterValue for an unknown kind.

    Outcome (journal, stats "rejected"): the error code of an ErrorResponse, else the source name
    (the identifier, also when it was given inside an ARN); the same for created_then_reply.
    """
    message = f'Injected flaky failure {kind} (attempt {attempt} of {failures}).'
    if kind.isdigit() and int(kind) in FLAKY_STATUS_CODES:
        status = int(kind)
        return error_reply(RdsError(FLAKY_STATUS_CODES[status], message, status), call.request_id)
    if kind == '500html':
        return Reply(500, HTML_500, outcome=source, content_type='text/html')
    if kind == 'reset':
        return Reply(0, b'', outcome=source, content_type=None, transport='reset')
    if FAULT_CODE_RE.fullmatch(kind):
        return error_reply(RdsError(kind, message), call.request_id)
    raise RdsError('InvalidParameterValue', f'{source}: unknown flaky kind {kind}; known: '
                   f'{", ".join(map(str, FLAKY_STATUS_CODES))}, 500html, reset or an error code.')


def created_then_reply(source, kind, call, config):
    """What a created-then-<kind> source answers once its copy exists; None for an unknown kind."""
    if kind == 'reset':
        return Reply(0, b'', outcome=source, content_type=None, transport='reset')
    if kind == 'timeout':
        return Reply(0, b'', outcome=source, content_type=None, transport='reset', delay=config['slow_seconds'])
    if kind == '503':
        error = RdsError('ServiceUnavailable', 'Injected failure after the copy was created.')
        return dataclasses.replace(error_reply(error, call.request_id), outcome=source)
    if kind == 'garbage':
        return Reply(200, b'not xml', outcome=source)
    return None


Script = namedtuple('Script', 'failure after ends delay')


def scripted_copy(source, attempt, call, config):
    """Script for a flaky-/created-then-/ends-/delayed- source (plain or the end of an ARN), None for any
    other.

    failure: the reply to give instead of copying (a flaky source's first n attempts), or None;
    after: the reply that replaces the success reply once the copy is made (created-then-), or None;
    ends: (status, n) of an ends- source, else None; delay: seconds before the success reply (delayed-).
    """
    name = source.split(':', 6)[-1] if source.startswith('arn:') else source
    flaky = FLAKY_RE.fullmatch(name)
    if flaky:
        kind, failures = flaky.group(1), int(flaky.group(2))
        failure = flaky_failure(name, kind, attempt, failures, call)
        return Script(failure if attempt <= failures else None, None, None, 0)
    name = name.lower()
    ends = ENDS_RE.fullmatch(name)
    if ends:
        return Script(None, None, (ends.group(1), int(ends.group(2))), 0)
    delayed = DELAYED_RE.fullmatch(name)
    if delayed:
        if int(delayed.group(1)) > MAX_DELAY_SECONDS:
            raise RdsError('InvalidParameterValue', f'{name}: at most {MAX_DELAY_SECONDS} seconds.')
        return Script(None, None, None, int(delayed.group(1)))
    if name.startswith(CREATED_THEN_PREFIX):
        kind = name[len(CREATED_THEN_PREFIX):]
        after = created_then_reply(name, kind, call, config)
        if after is None:
            raise RdsError('InvalidParameterValue', f'{name}: unknown kind {kind}; known: reset, timeout, 503, '
                           'garbage.')
        return Script(None, after, None, 0)
    return None


# ------------------------------------------------------------------------------------------------
# Actions. Each runs with Standin.lock held and returns a Reply or raises RdsError.

@dataclasses.dataclass
class Call:
    region: str
    params: dict
    host: str
    request_id: str
    presigned_verified: bool = False
    access_key: str = ''


COPY_PARAMS = ('SourceDBClusterSnapshotIdentifier', 'TargetDBClusterSnapshotIdentifier', 'KmsKeyId',
               'PreSignedUrl', 'CopyTags', 'Tags')
DESCRIBE_PARAMS = ('DBClusterSnapshotIdentifier', 'DBClusterIdentifier', 'SnapshotType', 'IncludeShared',
                   'IncludePublic', 'MaxRecords', 'Marker', 'Filters')  # Filters: Filters.Filter.N.*
# DescribeDBClusterSnapshotsMessage.Filters (botocore service model): "db-cluster-id - Accepts DB cluster
# identifiers and DB cluster Amazon Resource Names (ARNs). db-cluster-snapshot-id - Accepts DB cluster
# snapshot identifiers. snapshot-type - Accepts types of DB cluster snapshots. engine - ..."; on the wire
# Filters.Filter.N.Name and Filters.Filter.N.Values.Value.M (FilterList/FilterValueList locationNames)
FILTER_PARAM_RE = re.compile(r'Filters\.Filter\.([1-9][0-9]*)\.(Name|Values\.Value\.([1-9][0-9]*))')
FILTER_FIELDS = {'db-cluster-snapshot-id': 'DBClusterSnapshotIdentifier', 'db-cluster-id': 'DBClusterIdentifier',
                 'snapshot-type': 'SnapshotType', 'engine': 'Engine'}
DELETE_PARAMS = ('DBClusterSnapshotIdentifier',)
DELETABLE_STATUSES = ('available', 'copying')


def success_reply(action, request_id, fill):
    root, result = response_tree(action, request_id)
    fill(result)
    return Reply(200, serialize(root))


def find_snapshot(standin, ref, region=None):
    """The snapshot ref points to; with region given it must also live in that region."""
    found = ref.account == ACCOUNT and ref.region == (region or ref.region)
    snapshot = standin.snapshots(ref.region).get(ref.identifier) if found else None
    if snapshot is None:
        raise RdsError('DBClusterSnapshotNotFoundFault', f'DBClusterSnapshot {ref.given} not found.')
    return snapshot


def check_presigned_url(standin, call, source_region):
    """Verify a PreSignedUrl when one came (InvalidParameterValue when it is wrong).

    botocore's service model (CopyDBClusterSnapshotMessage.PreSignedUrl): "This setting applies only
    to Amazon Web Services GovCloud (US) Regions. It's ignored in other Amazon Web Services Regions."
    The stand-in deliberately still verifies one that was sent, in every region: rds_copy always sends
    one for a cross-region copy, and a wrong signature there is a signing bug worth catching. It is
    never required outside GovCloud (see require_presigned_url). The journal says whether one came
    ("presigned") and whether it was verified ("presigned_verified").
    """
    url = call.params.get('PreSignedUrl')
    if url is None:
        return
    verify_presigned_url(url, call.params, call.region, source_region, call.host, shifted_now(standin.config),
                         standin.config['max_skew_seconds'])
    call.presigned_verified = True


def require_presigned_url(call, source_region, source):
    """In GovCloud (US) regions a cross-region copy of an encrypted snapshot needs a PreSignedUrl.

    botocore's service model (CopyDBClusterSnapshotMessage.PreSignedUrl): "When you are copying a DB
    cluster snapshot from one Amazon Web Services GovCloud (US) Region to another, the URL that
    contains a Signature Version 4 signed request ... Use the PreSignedUrl parameter when copying an
    encrypted DB cluster snapshot from another Amazon Web Services Region. ... This setting applies
    only to Amazon Web Services GovCloud (US) Regions." GovCloud regions: us-gov-* (botocore's
    aws-us-gov partition, shared reference section 7). The error code for a missing one is not
    documented; InvalidParameterCombination (a common Query-API error, 400) is the stand-in's choice.
    """
    if call.region.startswith(GOVCLOUD_PREFIX) and source_region != call.region \
            and source['StorageEncrypted'] and 'PreSignedUrl' not in call.params:
        raise RdsError('InvalidParameterCombination',
                       'PreSignedUrl is required to copy an encrypted DB cluster snapshot from another '
                       'AWS GovCloud (US) Region')


# What flaky- and created-then- sources really copy
SCRIPTED_COPY_SOURCE = SnapshotRef('my-cluster-snapshot1', 'us-east-1', ACCOUNT, 'my-cluster-snapshot1')


def copy_action(standin, call):
    params = call.params
    check_known_params('CopyDBClusterSnapshot', params, COPY_PARAMS, allow_tags=True)
    source = required(params, 'SourceDBClusterSnapshotIdentifier')
    target = required(params, 'TargetDBClusterSnapshotIdentifier')
    pair = f'{source}|{target}'
    standin.attempts[pair] = attempt = standin.attempts.get(pair, 0) + 1
    fault = injected_fault(call, standin.config)
    if fault is not None:
        return fault
    scripted = scripted_copy(source, attempt, call, standin.config)
    failure, after, ends, delay = scripted or (None, None, None, 0)
    if failure is not None:
        return failure
    check_identifier('TargetDBClusterSnapshotIdentifier', target)
    copy_tags = parse_bool(params, 'CopyTags')
    tags = parse_tags(params)
    source_ref = snapshot_ref(source, call.region)
    check_presigned_url(standin, call, source_ref.region)

    existing = standin.snapshots(call.region)
    standin.settle(call.region)
    if snapshot_key(target) in existing:
        raise RdsError('DBClusterSnapshotAlreadyExistsFault',
                       f'Cannot create the snapshot because a snapshot with the identifier {target} already exists.')
    if len(existing) >= standin.config['snapshot_quota']:
        raise RdsError('SnapshotQuotaExceeded',
                       'The request cannot be processed because it would exceed the maximum number of snapshots.')
    # AWS's limits (issue 10): the account's manual-snapshot quota in the region (AWS default 100), and at
    # most N cross-region copies in progress to one destination region (AWS: 5); a cross-region copy is
    # one whose source is in another region
    quota = int(standin.config['manual_snapshot_quota'])
    if quota and manual_snapshots(existing) >= quota:
        raise RdsError('SnapshotQuotaExceeded', MANUAL_QUOTA_MESSAGE.format(quota))
    limit = int(standin.config['cross_region_copy_limit'])
    cross_region = source_ref.region != call.region
    if limit and cross_region and cross_region_in_progress(existing) >= limit:
        raise RdsError('SnapshotQuotaExceeded', IN_PROGRESS_MESSAGE.format(limit))
    kms_key = params.get('KmsKeyId')
    if kms_key is not None:
        kms_key = standin.resolve_kms_key(kms_key, call.region)
    original = find_snapshot(standin, SCRIPTED_COPY_SOURCE if scripted else source_ref)
    # SourceDBClusterSnapshotIdentifier "Must specify a valid system snapshot in the "available" state"
    # (botocore service model); the fault is InvalidDBClusterSnapshotStateFault (400), from its errors list
    if original['Status'] != 'available':
        raise RdsError('InvalidDBClusterSnapshotStateFault',
                       f"DBClusterSnapshot {source} is in state {original['Status']}, not available.")
    require_presigned_url(call, source_ref.region, original)
    if after is not None and standin.lost_reply['kms_key'] is not None:
        kms_key = standin.resolve_kms_key(standin.lost_reply['kms_key'], call.region)
    copy = make_copy(original, call.region, target, kms_key, tags or (original['TagList'] if copy_tags else []),
                     shifted_now(standin.config), standin.config['creating_describes'])
    if scripted:
        # the copy stands for one of the named source, so a client can reconcile by source
        copy['SourceDBClusterSnapshotArn'] = snapshot_arn(source_ref.region, source_ref.identifier)
    if after is not None and standin.lost_reply['omit_source_arn']:
        copy['SourceDBClusterSnapshotArn'] = None
    if ends is not None:
        copy['_ends'] = ends
    copy['_cross_region'] = cross_region
    if standin.config['copy_seconds'] and ends is None:
        copy['_timed'] = (time.monotonic(), float(standin.config['copy_seconds']))
    existing[snapshot_key(target)] = copy
    standin.counters['copies_created'] += 1
    if after is not None:
        return after
    reply = success_reply('CopyDBClusterSnapshot', call.request_id, lambda result: add_snapshot_element(result, copy))
    return dataclasses.replace(reply, delay=delay) if delay else reply


def max_records(params):
    value = params.get('MaxRecords', '100')
    if not value.isdigit() or not 20 <= int(value) <= 100:
        raise RdsError('InvalidParameterValue', f'Invalid value {value} for MaxRecords. Must be between 20 and 100')
    return int(value)


def describe_action(standin, call):
    params = call.params
    check_known_params('DescribeDBClusterSnapshots', params, DESCRIBE_PARAMS)
    limit = max_records(params)
    parse_bool(params, 'IncludeShared')
    parse_bool(params, 'IncludePublic')
    snapshots = standin.snapshots(call.region)
    if 'DBClusterSnapshotIdentifier' in params:
        ref = snapshot_ref(params['DBClusterSnapshotIdentifier'], call.region)
        selected = [find_snapshot(standin, ref, call.region)]
        # DescribeDBClusterSnapshotsMessage.DBClusterSnapshotIdentifier (botocore's rds model, the API
        # reference's text): "If this identifier is for an automated snapshot, the SnapshotType
        # parameter must also be specified." What AWS answers when it is not is not documented; the
        # stand-in's reading: without SnapshotType=automated the identifier names no automated
        # snapshot, so it is not found (DBClusterSnapshotNotFoundFault, as for any unknown identifier).
        if selected[0]['SnapshotType'] == 'automated' and params.get('SnapshotType') != 'automated':
            raise RdsError('DBClusterSnapshotNotFoundFault', f'DBClusterSnapshot {ref.given} not found.')
    else:
        selected = [snapshots[key] for key in sorted(snapshots)]
    # DBClusterIdentifier "isn't case-sensitive" (botocore's rds model); SnapshotType is one of its values
    if 'DBClusterIdentifier' in params:
        selected = [s for s in selected if s['DBClusterIdentifier'].lower() == params['DBClusterIdentifier'].lower()]
    if 'SnapshotType' in params:
        selected = [s for s in selected if s['SnapshotType'] == params['SnapshotType']]
    for field, wanted in parse_filters(params).items():
        if field in ('DBClusterSnapshotIdentifier', 'DBClusterIdentifier'):
            # identifiers in any case, as the parameters of the same names
            wanted = {value.lower() for value in wanted}
            selected = [s for s in selected if (s.get(field) or '').lower() in wanted]
        else:
            selected = [s for s in selected if s.get(field) in wanted]
    marker = params.get('Marker')
    if marker:
        selected = [s for s in selected if s['DBClusterSnapshotIdentifier'] > marker]
    page, more = selected[:limit], len(selected) > limit
    standin.settle(call.region)
    for snapshot in page:
        if '_timed' not in snapshot:
            advance_copy(snapshot, standin.config['progress_step'])

    def fill(result):
        container = ET.SubElement(result, 'DBClusterSnapshots')
        for snapshot in page:
            add_snapshot_element(container, snapshot)
        if more:
            ET.SubElement(result, 'Marker').text = page[-1]['DBClusterSnapshotIdentifier']
    return success_reply('DescribeDBClusterSnapshots', call.request_id, fill)


def delete_action(standin, call):
    params = call.params
    check_known_params('DeleteDBClusterSnapshot', params, DELETE_PARAMS)
    ref = snapshot_ref(required(params, 'DBClusterSnapshotIdentifier'), call.region)
    snapshot = find_snapshot(standin, ref, call.region)
    standin.settle(call.region)
    # botocore service model, DeleteDBClusterSnapshot: "The DB cluster snapshot must be in the available
    # state to be deleted" (errors: InvalidDBClusterSnapshotStateFault, 400), and CopyDBClusterSnapshot:
    # "To cancel the copy operation once it is in progress, delete the target DB cluster snapshot ...
    # while that DB cluster snapshot is in "copying" status" -- so available and copying may go.
    if snapshot['Status'] not in DELETABLE_STATUSES:
        raise RdsError('InvalidDBClusterSnapshotStateFault',
                       f"DBClusterSnapshot {ref.identifier} is in state {snapshot['Status']}; only an available "
                       'snapshot or a copying copy can be deleted.')
    del standin.snapshots(call.region)[ref.identifier]
    deleted = dict(snapshot, Status='deleted')
    return success_reply('DeleteDBClusterSnapshot', call.request_id,
                         lambda result: add_snapshot_element(result, deleted))


ACTIONS = {
    'CopyDBClusterSnapshot': copy_action,
    'DescribeDBClusterSnapshots': describe_action,
    'DeleteDBClusterSnapshot': delete_action,
}


def find_action(params):
    action = params.get('Action')
    if not action:
        raise RdsError('MissingAction', 'The request is missing an action or a required parameter.')
    version = params.get('Version')
    if version is None:
        raise RdsError('MissingParameter', 'The request must contain the parameter Version')
    if action not in ACTIONS or version != API_VERSION:
        raise RdsError('InvalidAction', f'Could not find operation {action} for version {version}')
    return ACTIONS[action]


# ------------------------------------------------------------------------------------------------
# State, counters, journal


def open_blackhole(host='127.0.0.1', fillers=2):
    """[listening socket, filler sockets...]: the listener (backlog 0) is never accepted from and the
    first filler's connection fills its accept queue, so Linux drops every later SYN to that port and
    a connect() hangs (the second filler is already one of those)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sockets = [listener]
    try:
        listener.bind((host, 0))
        listener.listen(0)
        for number in range(fillers):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(filler)
            filler.setblocking(False)
            filler.connect_ex(listener.getsockname())
            if number == 0:
                _, writable, _ = select.select([], [filler], [], 2)
                if not writable or filler.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    raise OSError('the black hole could not fill its own accept queue')
    except OSError:
        close_sockets(sockets)
        raise
    return sockets


def close_sockets(sockets):
    for sock in sockets:
        sock.close()


class Standin:
    """All mutable state of the stand-in; every access holds self.lock."""

    def __init__(self, state_dir):
        self.lock = threading.Lock()
        self.blackholes = []
        self.journal = awsfake.JsonlJournal(state_dir, 'journal.jsonl')
        self.reset()

    def reset(self):
        with self.lock:
            self.regions = seed_regions()
            self.config = dict(DEFAULT_CONFIG)
            self.counters = {'requests': 0, 'verified': 0, 'copies_created': 0, 'presigned_verified': 0}
            self.by_action = {}
            self.rejected = {}
            self.attempts = {}
            self.requests_by_target = {}
            self.by_action_snapshot = {}
            self.kms_keys = list(DEFAULT_KMS_KEYS)
            self.kms_aliases = dict(DEFAULT_KMS_ALIASES)
            self.lost_reply = dict(DEFAULT_LOST_REPLY)
            self.call_times = {}
            self.throttle_share = 0
            self.last = None
            self.close_blackholes()
            self.journal.truncate()

    def snapshots(self, region):
        return self.regions.setdefault(region, {})

    def settle(self, region):
        """Bring region's timed copies up to now; the caller holds self.lock."""
        now = time.monotonic()
        for snapshot in self.snapshots(region).values():
            settle_timed(snapshot, now)

    def throttled(self, region):
        """Is this call over throttle_rate (calls in the last second, per region) or one of the
        throttle_percent share? The caller holds self.lock; a throttled call counts towards the rate."""
        now = time.monotonic()
        rate, percent = self.config['throttle_rate'], self.config['throttle_percent']
        recent = [t for t in self.call_times.get(region, []) if now - t < 1.0] + [now]
        self.call_times[region] = recent
        if rate and len(recent) > rate:
            return True
        if percent:
            self.throttle_share += percent
            if self.throttle_share >= 100:
                self.throttle_share -= 100
                return True
        return False

    def configure(self, changes):
        if not isinstance(changes, dict):
            raise ValueError('the body must be a JSON object')
        for key, value in changes.items():
            if key not in DEFAULT_CONFIG:
                raise ValueError(f'unknown setting {key}; known: {", ".join(DEFAULT_CONFIG)}')
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) \
                    or abs(value) > MAX_SETTING:
                raise ValueError(f'{key} must be a number of at most {MAX_SETTING:g} in size')
            if value < 0 and key not in SIGNED_SETTINGS:
                raise ValueError(f'{key} must be a non-negative number')
            if value > SETTING_MAXIMUM.get(key, MAX_SETTING):
                raise ValueError(f'{key} must be at most {SETTING_MAXIMUM[key]}')
        with self.lock:
            self.config.update(changes)
            return dict(self.config)

    def resolve_kms_key(self, key, region):
        """resolve_kms_key with this stand-in's keys and aliases; the caller holds self.lock."""
        return resolve_kms_key(key, region, self.kms_keys, self.kms_aliases)

    def kms(self):
        with self.lock:
            return {'keys': list(self.kms_keys), 'aliases': dict(self.kms_aliases)}

    def add_kms(self, request):
        """POST /__standin/kms {"keys": [key id, ...], "aliases": {"alias/name": key id}}: adds (or
        re-points) keys and aliases; every alias must name a key that exists afterwards."""
        if not isinstance(request, dict) or set(request) - {'keys', 'aliases'}:
            raise ValueError('the body must be a JSON object with "keys" and/or "aliases"')
        keys, aliases = request.get('keys', []), request.get('aliases', {})
        if not isinstance(keys, list) or not all(isinstance(k, str) and KMS_KEY_ID_RE.fullmatch(k) for k in keys):
            raise ValueError(f'keys must be a list of key ids matching {KMS_KEY_ID_RE.pattern}')
        if not isinstance(aliases, dict) or not all(isinstance(a, str) and KMS_ALIAS_RE.fullmatch(a)
                                                    for a in aliases):
            raise ValueError(f'aliases must be an object whose names match {KMS_ALIAS_RE.pattern}')
        with self.lock:
            known = set(self.kms_keys) | set(keys)
            unknown = sorted(str(key) for key in aliases.values() if key not in known)
            if unknown:
                raise ValueError(f"aliases name unknown key(s): {', '.join(unknown)}")
            self.kms_keys += [key for key in keys if key not in self.kms_keys]
            self.kms_aliases.update(aliases)
        return self.kms()

    def lost_reply_settings(self):
        with self.lock:
            return dict(self.lost_reply)

    def set_lost_reply(self, request):
        """POST /__standin/lost_reply (see the module text)."""
        if not isinstance(request, dict) or set(request) - set(DEFAULT_LOST_REPLY):
            raise ValueError(f"the body must be a JSON object with {' and/or '.join(DEFAULT_LOST_REPLY)}")
        if 'kms_key' in request and request['kms_key'] is not None and not isinstance(request['kms_key'], str):
            raise ValueError('kms_key must be a string (a KmsKeyId) or null')
        if 'omit_source_arn' in request and not isinstance(request['omit_source_arn'], bool):
            raise ValueError('omit_source_arn must be true or false')
        with self.lock:
            self.lost_reply.update(request)
            return dict(self.lost_reply)

    def current_config(self):
        with self.lock:
            return dict(self.config)

    def now(self):
        with self.lock:
            return shifted_now(self.config)

    def open_blackhole(self):
        """Port of a new black hole (see open_blackhole); kept until reset or close."""
        with self.lock:
            sockets = open_blackhole()
            self.blackholes.append(sockets)
            return sockets[0].getsockname()[1]

    def close_blackholes(self):
        """Close every black hole; the caller holds self.lock (or is the only user left)."""
        for sockets in self.blackholes:
            close_sockets(sockets)
        self.blackholes = []

    def execute(self, call):
        with self.lock:
            action = find_action(call.params)
            if self.throttled(call.region):
                raise RdsError('Throttling', THROTTLING_MESSAGE)
            return action(self, call)

    def stats(self):
        with self.lock:
            return dict(self.counters, by_action=dict(self.by_action), rejected=dict(self.rejected),
                        attempts=dict(self.attempts), requests_by_target=dict(self.requests_by_target),
                        by_action_snapshot={action: dict(counts)
                                            for action, counts in self.by_action_snapshot.items()})

    def snapshot_views(self, region=None):
        """{region: {id: snapshot_view}} of every region (or of one), advancing nothing."""
        with self.lock:
            regions = {region: self.snapshots(region)} if region else self.regions
            for name in list(regions):
                self.settle(name)
            return {name: {identifier: snapshot_view(snapshot) for identifier, snapshot in sorted(found.items())}
                    for name, found in sorted(regions.items())}

    def seed(self, request):
        """Make the snapshots POST /__standin/seed asks for (see the module text) -> how many."""
        if not isinstance(request, dict):
            raise ValueError('the body must be a JSON object')
        known = {'identifiers', 'prefix', 'count', 'region', 'cluster', 'snapshot_type', 'status', 'source',
                 'kms_key'}
        unknown = sorted(set(request) - known)
        if unknown:
            raise ValueError(f"unknown seed field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        for name in known - {'identifiers', 'count'}:
            if name in request and not isinstance(request[name], str):
                raise ValueError(f'{name} must be a string')
        if 'identifiers' in request:
            identifiers = request['identifiers']
            if 'prefix' in request or 'count' in request or not isinstance(identifiers, list) \
                    or not all(isinstance(i, str) for i in identifiers):
                raise ValueError('identifiers must be a list of strings, without prefix and count')
        else:
            count = request.get('count')
            if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 10000 \
                    or 'prefix' not in request:
                raise ValueError('give identifiers, or prefix and count (1..10000)')
            identifiers = [f"{request['prefix']}{number:04d}" for number in range(count)]
        region = request.get('region', 'us-east-1')
        if not REGION_RE.fullmatch(region):
            raise ValueError(f'{region} is not a region')
        if request.get('snapshot_type', 'manual') not in SNAPSHOT_TYPES:
            raise ValueError(f"snapshot_type must be one of {', '.join(SNAPSHOT_TYPES)}")
        automated = request.get('snapshot_type') == 'automated'
        for identifier in identifiers:
            try:
                # an automated snapshot may be named as AWS names them, rds:<identifier>
                check_identifier('identifier', identifier[len(AUTOMATED_PREFIX):]
                                 if automated and identifier.startswith(AUTOMATED_PREFIX) else identifier)
            except AwsError as error:
                raise ValueError(f'{identifier!r}: {error.message}') from None
        identifiers = [snapshot_key(identifier) for identifier in identifiers]
        source = request.get('source')
        source_arn = None
        if source is not None:
            ref = snapshot_ref(source, region)
            source_arn = snapshot_arn(ref.region, ref.identifier)
        status = request.get('status', 'available')
        with self.lock:
            existing = self.snapshots(region)
            taken = sorted(set(identifiers) & set(existing))
            if taken or len(set(identifiers)) != len(identifiers):
                raise ValueError(f"snapshot(s) exist already or are named twice: {', '.join(taken) or '(twice)'}")
            kms_key = None
            if request.get('kms_key') is not None:
                try:
                    kms_key = self.resolve_kms_key(request['kms_key'], region)
                except AwsError as error:
                    raise ValueError(error.message) from None
            for identifier in identifiers:
                snapshot = seed_snapshot(region, identifier, status=status, kms_key=kms_key)
                snapshot.update({'DBClusterIdentifier': request.get('cluster', 'my-cluster'),
                                 'SnapshotType': request.get('snapshot_type', 'manual'),
                                 'PercentProgress': 100 if status == 'available' else 0,
                                 'SourceDBClusterSnapshotArn': source_arn})
                existing[identifier] = snapshot
            return len(identifiers)

    def last_request(self):
        with self.lock:
            return self.last

    def record(self, entry, last):
        """Count one RDS request, remember it for /__standin/last and append it to the journal."""
        with self.lock:
            self.counters['requests'] += 1
            self.counters['verified'] += entry['verified']
            self.counters['presigned_verified'] += last['presigned_verified']
            action = entry['action'] or '-'
            self.by_action[action] = self.by_action.get(action, 0) + 1
            if entry['outcome'] != 'ok':
                self.rejected[entry['outcome']] = self.rejected.get(entry['outcome'], 0) + 1
            if entry['target'] is not None:
                self.requests_by_target[entry['target']] = self.requests_by_target.get(entry['target'], 0) + 1
            counts = self.by_action_snapshot.setdefault(action, {})
            for named in entry.get('filter_ids') or [entry['target'] or entry.get('identifier') or '*']:
                counts[named] = counts.get(named, 0) + 1
            self.last = last
            self.journal.write(entry)

    def close(self):
        with self.lock:
            self.close_blackholes()
        self.journal.close()


def describe_request(request_id, params, header_pairs, auth, reply, call):
    """(journal entry, /__standin/last document) for one RDS request; contains no secrets."""
    scope = auth or claimed_scope(header_pairs)
    entry = {
        'ts': iso_ms(utcnow()),
        'action': params.get('Action'),
        'region': scope.region,
        'akid': scope.access_key,
        'source': params.get('SourceDBClusterSnapshotIdentifier'),
        'target': params.get('TargetDBClusterSnapshotIdentifier'),
        'outcome': reply.outcome,
        'verified': auth is not None,
        'presigned': 'PreSignedUrl' in params,
    }
    if params.get('DBClusterSnapshotIdentifier') is not None:
        entry['identifier'] = params['DBClusterSnapshotIdentifier']
    if entry['action'] == 'CopyDBClusterSnapshot':
        entry['kms_key_id'] = params.get('KmsKeyId')
        entry['presigned_verified'] = bool(call and call.presigned_verified)
    if entry['action'] == 'DescribeDBClusterSnapshots':
        entry['params'] = {name: value for name, value in params.items() if name not in ('Action', 'Version')}
        # a Describe of several snapshots by the db-cluster-snapshot-id filter counts for each one named
        filter_ids = sorted(value for name, value in params.items() if name.startswith('Filters.Filter.')
                            and '.Values.Value.' in name
                            and params.get(name.split('.Values.')[0] + '.Name') == 'db-cluster-snapshot-id')
        if filter_ids:
            entry['filter_ids'] = filter_ids
    shown = dict(params)
    if 'PreSignedUrl' in shown:
        shown['PreSignedUrl'] = presigned_url_view(shown['PreSignedUrl'])
    last = {
        'request_id': request_id,
        'action': entry['action'],
        'region': entry['region'],
        'akid': entry['akid'],
        'status': reply.status,
        'outcome': reply.outcome,
        'params': shown,
        'presigned_verified': bool(call and call.presigned_verified),
        'header_names': [name for name, _ in header_pairs],
        'signed_headers': auth.signed_headers if auth else None,
    }
    return entry, last


# ------------------------------------------------------------------------------------------------
# Server and request handlers


class Handler(BaseHandler):
    """The RDS Query API (POST /) and the /__standin/ control API."""
    server_version = 'rds-standin'
    log_name = 'rds-standin'

    def do_POST(self):
        if self.path == '/':
            self.handle_rds()
        else:
            self.handle_control('POST')

    def do_GET(self):
        self.handle_control('GET')

    # -- RDS Query API ---------------------------------------------------------------------------

    def handle_rds(self):
        started = time.monotonic()
        request_id = str(uuid.uuid4())
        header_pairs = self.headers.items()
        body, auth, call = b'', None, None
        standin = self.server.standin
        try:
            body = self.read_body()
            config = standin.current_config()
            auth = verify_sigv4('POST', self.path, header_pairs, body, shifted_now(config),
                                config['max_skew_seconds'])
            check_not_expired(auth.access_key, config['expired_keys_up_to'])
            self.check_content_type()
            call = Call(auth.region, parse_form(body), self.headers['Host'], request_id,
                        access_key=auth.access_key)
            reply = standin.execute(call)
        except AwsError as error:
            reply = error_reply(error, request_id)
        params = lenient_params(body)
        standin.record(*describe_request(request_id, params, header_pairs, auth, reply, call))
        sent = self.send_reply(reply, request_id)
        note = ' (client disconnected)' if not sent else f' ({reply.transport})' if reply.transport else ''
        log(f"{self.client_address[0]} POST / {params.get('Action', '-')} {auth.region if auth else '-'} "
            f'-> {reply.status} {reply.outcome}{note} {(time.monotonic() - started) * 1000:.0f}ms')

    def date_time_string(self, timestamp=None):
        """The Date header: the stand-in's shifted "now" (clock_offset_seconds), RFC 7231 format."""
        if timestamp is None:
            timestamp = self.server.standin.now().timestamp()
        return email.utils.formatdate(timestamp, usegmt=True)

    # -- control API -----------------------------------------------------------------------------

    def handle_control(self, method):
        standin = self.server.standin
        routes = {
            ('GET', 'stats'): lambda body, query: standin.stats(),
            ('GET', 'last'): lambda body, query: standin.last_request(),
            ('GET', 'snapshots'): lambda body, query: standin.snapshot_views(query.get('region')),
            ('POST', 'seed'): lambda body, query: {'seeded': standin.seed(awsfake.json_body(body))},
            ('GET', 'config'): lambda body, query: standin.current_config(),
            ('POST', 'config'): lambda body, query: standin.configure(awsfake.json_body(body)),
            ('POST', 'reset'): lambda body, query: standin.reset() or {'reset': True},
            ('POST', 'blackhole'): lambda body, query: {'port': standin.open_blackhole()},
            ('GET', 'kms'): lambda body, query: standin.kms(),
            ('POST', 'kms'): lambda body, query: standin.add_kms(awsfake.json_body(body)),
            ('GET', 'lost_reply'): lambda body, query: standin.lost_reply_settings(),
            ('POST', 'lost_reply'): lambda body, query: standin.set_lost_reply(awsfake.json_body(body)),
        }
        serve_control(self, method, self.path,
                      {(verb, CONTROL_PREFIX + name): route for (verb, name), route in routes.items()})


StandinServer = awsfake.AwsFakeServer


def parse_args(argv):
    parser = argparse.ArgumentParser(description='HTTPS stand-in for the Amazon RDS Query API (tests only).')
    parser.add_argument('--port', type=int, required=True, help='TCP port; 0 picks a free one')
    parser.add_argument('--cert', required=True, help='server certificate (PEM)')
    parser.add_argument('--key', required=True, help='server private key (PEM)')
    parser.add_argument('--state-dir', required=True, help='directory for journal.jsonl')
    parser.add_argument('--host', type=loopback_host, default='127.0.0.1', help='loopback address to bind')
    parser.add_argument('--ready-file', help='written (atomically) with the port once listening')
    return parser.parse_args(argv)



def main(argv=None):
    args = parse_args(argv)
    standin = Standin(args.state_dir)
    server = StandinServer(args.host, args.port, server_tls_context(args.cert, args.key), standin, Handler)
    port = server.server_address[1]

    def started():
        if args.ready_file:
            write_ready_file(args.ready_file, f'{port}\n')
        shown_host = f'[{args.host}]' if ':' in args.host else args.host
        log(f'listening on https://{shown_host}:{port}/ (pid {os.getpid()})')
    serve_until_signalled([server], started)
    standin.close()
    log('stopped')
    return 0


if __name__ == '__main__':
    sys.exit(main())
