#!/usr/bin/python3
"""selftest.py -- self-test of the RDS stand-in (rds_standin.py) and its certificates (make_certs.sh).

Run from the repository root:   /usr/bin/python3 test/standin/selftest.py

What lives in this file (the environment, test runner, clients and signed raw requests come from
harness.py, shared with selftest_credentials.py):
  * fixed SigV4 vectors from botocore 1.29.27 captures, checked against the verifier functions directly
    (the fake STS/IMDS/container credential servers have their own: selftest_credentials.py)
  * helpers: ErrorResponse checks, presigned URLs (botocore's SigV4QueryAuth), replies read as a
    stream, and how a connection ended at the TCP level (RST or FIN, under the TLS layer)
  * the tests (plain asserts, run in order); the last line printed is "N passed, M failed"
Exit status is non-zero if any test fails. Nothing but loopback is contacted.
"""

import contextlib
import datetime
import email.utils
import gzip
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import botocore.session
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402  (needs HERE on sys.path)
import rds_standin  # noqa: E402
from harness import (ENV, FORM, OTHER_SECRET, SECRET, SECRETS, SESSION_SECRET, SESSION_TOKEN,  # noqa: E402
                     TEMP_KEY, TEMP_SECRET, TEMP_TOKEN, clean_environment, client, control, expect_client_error,
                     frozen_time, https, journal_lines, rds, reset, send, signed_request, stats, tls_context)

NS = '{http://rds.amazonaws.com/doc/2014-10-31/}'
WEST_ARN = 'arn:aws:rds:us-west-2:123456789012:cluster-snapshot:west-snapshot'
GOV_ARN = 'arn:aws-us-gov:rds:us-gov-west-1:123456789012:cluster-snapshot:gov-encrypted'
GOV_PLAIN_ARN = 'arn:aws-us-gov:rds:us-gov-west-1:123456789012:cluster-snapshot:gov-plain'
SNAPSHOT1_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:my-cluster-snapshot1'
HTTP_DATE_RE = re.compile(r'(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-3][0-9] '
                          r'(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT')

# botocore 1.29.27 captures (test vectors): CopyDBClusterSnapshot signed at 2015-08-30T12:36:00Z.
VECTOR_BODY = ('Action=CopyDBClusterSnapshot&Version=2014-10-31&SourceDBClusterSnapshotIdentifier=a'
               '&TargetDBClusterSnapshotIdentifier=b&KmsKeyId=k&CopyTags=true&Tags.Tag.1.Key=x&Tags.Tag.1.Value=y'
               '&Tags.Tag.2.Key=p+q&Tags.Tag.2.Value=r%2Fs')
VECTOR_SIGNATURE = '898319c3b8ad09efc532b107454cc3ef5d0e69b7176ce9d6e9ef7015c1d732e1'
VECTOR_TOKEN_SIGNATURE = '83c689167bb3f61d446355f3dcc211e841d57c2796d61580be94a3aae5b0ef1a'
VECTOR_PRESIGNED_URL = (
    'https://rds.us-west-2.amazonaws.com/?Action=CopyDBClusterSnapshot&Version=2014-10-31'
    '&SourceDBClusterSnapshotIdentifier=arn%3Aaws%3Ards%3Aus-west-2%3A123456789012%3Acluster-snapshot%3Aa'
    '&TargetDBClusterSnapshotIdentifier=b&KmsKeyId=k&DestinationRegion=us-east-1&X-Amz-Algorithm=AWS4-HMAC-SHA256'
    '&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%2Frds%2Faws4_request&X-Amz-Date=20150830T123600Z'
    '&X-Amz-Expires=3600&X-Amz-SignedHeaders=host'
    '&X-Amz-Signature=e5138a58c3282d0b6923faf1373dd4306e3f0223137f3a75dfbb9afe5bc7655d')
VECTOR_EDGE_URL = (
    'https://rds.us-west-2.amazonaws.com/?Action=CopyDBClusterSnapshot&Version=2014-10-31'
    '&SourceDBClusterSnapshotIdentifier=arn%3Aaws%3Ards%3Aus-west-2%3A123456789012%3Acluster-snapshot%3Aa'
    '&TargetDBClusterSnapshotIdentifier=b&KmsKeyId=alias%2Fmy%20key&CopyTags=true&Tags.Tag.1.Key=k~%2A'
    '&Tags.Tag.1.Value=a%20b%2Bc%3Dd%26e%2Ff%3A%C3%BC%25&DestinationRegion=us-east-1'
    '&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%2Frds%2Faws4_request'
    '&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600'
    '&X-Amz-Signature=6007eae4cb297f235fb469df3134857adcc15ba125f6d57345f1c5016e202bb5')
VECTOR_EDGE_PARAMS = {
    'Action': 'CopyDBClusterSnapshot', 'Version': '2014-10-31',
    'SourceDBClusterSnapshotIdentifier': 'arn:aws:rds:us-west-2:123456789012:cluster-snapshot:a',
    'TargetDBClusterSnapshotIdentifier': 'b', 'KmsKeyId': 'alias/my key', 'CopyTags': 'true',
    'Tags.Tag.1.Key': 'k~*', 'Tags.Tag.1.Value': 'a b+c=d&e/f:\u00fc%', 'PreSignedUrl': VECTOR_EDGE_URL,
}


def error_of(body):
    root = ET.fromstring(body)
    assert root.tag == NS + 'ErrorResponse', root.tag
    return root.findtext(f'{NS}Error/{NS}Code'), root.findtext(f'{NS}Error/{NS}Message')


def expect_raw_error(response, code, status, message_part=''):
    got_status, headers, body = response
    got_code, message = error_of(body)
    assert (got_code, got_status) == (code, status), (got_code, got_status, message)
    assert message_part in message, message
    assert headers['content-type'] == 'text/xml'
    return message


def copy_params(source, target, **extra):
    return dict({'Action': 'CopyDBClusterSnapshot', 'Version': '2014-10-31',
                 'SourceDBClusterSnapshotIdentifier': source, 'TargetDBClusterSnapshotIdentifier': target}, **extra)


def presigned_url(params, source_region, dest_region='us-east-1', access_key='AKIDEXAMPLE', secret=SECRET,
                  token=None, when=None, host=None):
    request = AWSRequest('GET', f'https://{host or rds_standin.rds_endpoint_host(source_region)}/',
                         params=dict(params, DestinationRegion=dest_region))
    with frozen_time(when):
        SigV4QueryAuth(Credentials(access_key, secret, token), 'rds', source_region).add_auth(request)
    return request.url


def wait_for_log(text, seconds=5):
    deadline = time.monotonic() + seconds
    while text not in ENV.log():
        assert time.monotonic() < deadline, f'not in the log within {seconds}s: {text}'
        time.sleep(0.1)


def no_reply(request, timeout=10):
    """The exception that sending request raised (AssertionError if a reply came)."""
    try:
        reply = send(request, timeout=timeout)
    except (OSError, http.client.HTTPException) as error:
        return error
    raise AssertionError(f'expected no reply, got {reply[0]}')


@contextlib.contextmanager
def streamed_reply(params, timeout=10):
    """The http.client response to a signed request, body unread; response and connection closed after."""
    connection = http.client.HTTPSConnection('127.0.0.1', ENV.port, context=tls_context(), timeout=timeout)
    prepared = signed_request(params).prepare()
    try:
        connection.request('POST', '/', body=prepared.body, headers=dict(prepared.headers))
        response = connection.getresponse()
        try:
            yield response
        finally:
            response.close()
    finally:
        connection.close()


def tcp_ending(request, timeout=10):
    """Send request over TLS, then read the raw TCP stream under it (encrypted, unread by TLS) to its end:
    'reset' for a TCP RST, 'eof' for an orderly close. (Python's ssl reports both as an EOF.)"""
    prepared = request.prepare()
    connection = http.client.HTTPSConnection('127.0.0.1', ENV.port, context=tls_context(), timeout=timeout)
    try:
        connection.request('POST', '/', body=prepared.body, headers=dict(prepared.headers))
        with socket.socket(fileno=os.dup(connection.sock.fileno())) as raw:
            raw.settimeout(timeout)
            try:
                while raw.recv(65536):
                    pass
            except ConnectionResetError:
                return 'reset'
            return 'eof'
    finally:
        connection.close()


def scripted_source_arn(source):
    """The SourceDBClusterSnapshotArn of a flaky-/created-then- copy: the ARN of the source as named, its
    identifier in lower case as AWS stores it."""
    if source.startswith('arn:'):
        prefix, identifier = source.rsplit(':', 1)
        return f'{prefix}:{identifier.lower()}'
    return rds_standin.snapshot_arn('us-east-1', source.lower())


def copied_snapshot(body, target, source):
    """The DBClusterSnapshot of a successful CopyDBClusterSnapshotResponse body, checked to be a scripted
    copy (of my-cluster-snapshot1's data) of source named target."""
    root = ET.fromstring(body)
    assert root.tag == NS + 'CopyDBClusterSnapshotResponse', root.tag
    snap = root.find(f'{NS}CopyDBClusterSnapshotResult/{NS}DBClusterSnapshot')
    assert snap.findtext(NS + 'DBClusterSnapshotIdentifier') == target
    assert snap.findtext(NS + 'SourceDBClusterSnapshotArn') == scripted_source_arn(source)
    assert snap.findtext(NS + 'Status') == 'copying'
    return snap


def reply_date(headers):
    """The Date header (checked to be RFC 7231 IMF-fixdate) as an aware datetime."""
    assert HTTP_DATE_RE.fullmatch(headers['date']), headers['date']
    return email.utils.parsedate_to_datetime(headers['date'])


def near(moment, expected, seconds=5):
    return abs((moment - expected).total_seconds()) <= seconds


def assert_refused(port):
    try:
        socket.create_connection(('127.0.0.1', port), timeout=2).close()
    except ConnectionRefusedError:
        return
    raise AssertionError(f'port {port} still accepts connections')


def vector_headers(signature, token=None):
    headers = [('Content-Type', FORM), ('Host', '127.0.0.1:9'), ('X-Amz-Date', '20150830T123600Z')]
    signed = 'content-type;host;x-amz-date'
    if token:
        headers.append(('X-Amz-Security-Token', token))
        signed += ';x-amz-security-token'
    credential = 'AKIDEXAMPLE/20150830/us-east-1/rds/aws4_request'
    headers.append(('Authorization',
                    f'AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders={signed}, Signature={signature}'))
    return headers


# ------------------------------------------------------------------------------------------------
# Tests (run in this order)

SUITE = harness.Suite()
test = SUITE.test
TESTS = SUITE.tests


@test
def vector_outer_signature():
    auth = rds_standin.verify_sigv4('POST', '/', vector_headers(VECTOR_SIGNATURE), VECTOR_BODY.encode())
    assert auth == ('AKIDEXAMPLE', 'us-east-1', ['content-type', 'host', 'x-amz-date'])
    try:
        rds_standin.verify_sigv4('POST', '/', vector_headers('0' * 64), VECTOR_BODY.encode())
    except rds_standin.AwsError as error:
        assert error.code == 'SignatureDoesNotMatch' and error.status == 403
        assert 'host:127.0.0.1:9' in error.message
    else:
        raise AssertionError('a wrong signature was accepted')


@test
def vector_session_token_signature():
    request = AWSRequest('POST', 'https://127.0.0.1:9/', data=VECTOR_BODY.encode(),
                         headers={'Content-Type': FORM, 'X-Amz-Date': '20150830T123600Z',
                                  'X-Amz-Security-Token': SESSION_TOKEN})
    computed = rds_standin.botocore_signature(request, 'AKIDEXAMPLE', rds_standin.Credential(SECRET, SESSION_TOKEN),
                                              'us-east-1', '20150830T123600Z', SigV4Auth)
    assert computed.signature == VECTOR_TOKEN_SIGNATURE


@test
def vector_presigned_urls():
    outer = copy_params('arn:aws:rds:us-west-2:123456789012:cluster-snapshot:a', 'b', KmsKeyId='k',
                        PreSignedUrl=VECTOR_PRESIGNED_URL)
    rds_standin.verify_presigned_url(VECTOR_PRESIGNED_URL, outer, 'us-east-1', 'us-west-2', '127.0.0.1:9')
    rds_standin.verify_presigned_url(VECTOR_EDGE_URL, VECTOR_EDGE_PARAMS, 'us-east-1', 'us-west-2', '127.0.0.1:9')
    tampered = VECTOR_PRESIGNED_URL.replace('TargetDBClusterSnapshotIdentifier=b',
                                            'TargetDBClusterSnapshotIdentifier=c')
    try:
        rds_standin.verify_presigned_url(tampered, dict(outer, TargetDBClusterSnapshotIdentifier='c'),
                                         'us-east-1', 'us-west-2', '127.0.0.1:9')
    except rds_standin.AwsError as error:
        assert (error.code, error.message) == ('InvalidParameterValue', 'PreSignedUrl signature does not match.')
    else:
        raise AssertionError('a tampered PreSignedUrl was accepted')


@test
def make_certs_idempotent_and_readable():
    before = {name: os.stat(os.path.join(ENV.certs, name)).st_mtime_ns for name in os.listdir(ENV.certs)}
    result = subprocess.run(['sh', os.path.join(HERE, 'make_certs.sh'), ENV.certs], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == '' and result.stderr == ''
    after = {name: os.stat(os.path.join(ENV.certs, name)).st_mtime_ns for name in os.listdir(ENV.certs)}
    assert before == after and len(after) == 10, after
    assert all(os.stat(os.path.join(ENV.certs, name)).st_mode & 0o444 == 0o444 for name in after)


@test
def tls_trust():
    for ca, name in ((ENV.ca, '127.0.0.1'), (ENV.ca, 'localhost')):
        with socket.create_connection(('127.0.0.1', ENV.port), timeout=5) as raw:
            with tls_context(ca).wrap_socket(raw, server_hostname=name) as wrapped:
                assert wrapped.version()
    with socket.create_connection(('127.0.0.1', ENV.port), timeout=5) as raw:
        try:
            tls_context(os.path.join(ENV.certs, 'other-ca.crt')).wrap_socket(raw, server_hostname='127.0.0.1')
        except ssl.SSLCertVerificationError:
            pass
        else:
            raise AssertionError('server certificate accepted with the unrelated CA')


@test
def copy_success_parsed_by_botocore():
    reset()
    response = client().copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                                 TargetDBClusterSnapshotIdentifier='copy-1', CopyTags=True)
    snap = response['DBClusterSnapshot']
    assert snap['AvailabilityZones'] == ['us-east-1a', 'us-east-1b', 'us-east-1c']
    assert snap['TagList'] == [{'Key': 'team', 'Value': 'db'}, {'Key': 'env', 'Value': 'prod'}]
    assert (snap['AllocatedStorage'], snap['Port'], snap['PercentProgress']) == (1, 5432, 0)
    assert snap['StorageEncrypted'] is False and snap['IAMDatabaseAuthenticationEnabled'] is False
    assert snap['ClusterCreateTime'] == datetime.datetime(2026, 1, 15, 16, 57, 52, 695000,
                                                          tzinfo=datetime.timezone.utc)
    assert abs((snap['SnapshotCreateTime'] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 60
    assert (snap['Status'], snap['SnapshotType'], snap['DBClusterIdentifier']) == ('copying', 'manual', 'my-cluster')
    assert snap['DBClusterSnapshotArn'] == 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:copy-1'
    assert snap['SourceDBClusterSnapshotArn'] == rds_standin.snapshot_arn('us-east-1', 'my-cluster-snapshot1')
    assert (snap['Engine'], snap['EngineVersion'], snap['EngineMode']) == ('aurora-postgresql', '15.4', 'provisioned')
    metadata = response['ResponseMetadata']
    assert metadata['RequestId'] == metadata['HTTPHeaders']['x-amzn-requestid']
    assert re.fullmatch(r'[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}', metadata['RequestId'])


@test
def copy_reply_xml_shape():
    status, headers, body = rds(copy_params('encrypted-snapshot', 'copy-xml', Tags='', CopyTags='false'))
    assert status == 200 and headers['content-type'] == 'text/xml'
    root = ET.fromstring(body)
    assert root.tag == NS + 'CopyDBClusterSnapshotResponse'
    snap = root.find(f'{NS}CopyDBClusterSnapshotResult/{NS}DBClusterSnapshot')
    names = [child.tag[len(NS):] for child in snap]
    for name in ('StorageType', 'DbClusterResourceId', 'BackupRetentionPeriod', 'PreferredBackupWindow',
                 'StorageThroughput', 'VpcId', 'LicenseModel', 'MasterUsername', 'KmsKeyId'):
        assert name in names, name
    assert 'DBSystemId' not in names
    assert snap.findtext(NS + 'StorageEncryptionType') == 'sse-kms'
    assert snap.find(NS + 'TagList') is not None and len(snap.find(NS + 'TagList')) == 0
    assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z', snap.findtext(NS + 'SnapshotCreateTime'))
    assert snap.findtext(NS + 'KmsKeyId') == 'arn:aws:kms:us-east-1:123456789012:key/k'
    assert root.findtext(f'{NS}ResponseMetadata/{NS}RequestId') == headers['x-amzn-requestid']


@test
def tags_given_copied_or_none():
    rds_client = client()
    special = [{'Key': 'a&b <c>', 'Value': 'x "y" \u00fc/+='}]
    given = rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                               TargetDBClusterSnapshotIdentifier='tags-given', CopyTags=True,
                                               Tags=special)
    assert given['DBClusterSnapshot']['TagList'] == special
    none = rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                              TargetDBClusterSnapshotIdentifier='tags-none', CopyTags=False)
    assert none['DBClusterSnapshot']['TagList'] == []


KEY_2 = '1234abcd-12ab-34cd-56ef-1234567890ab'


@test
def kms_keys():
    """KmsKeyId: key id, key ARN, alias name or alias ARN of the request's region (botocore service
    model); shown as the key ARN; journaled as sent. Before: every key showed as key/k, key ids other
    than k and the alias alias/other were unknown, an ARN of another region was accepted."""
    rds_client = client()
    key_arn = 'arn:aws:kms:us-east-1:123456789012:key/'
    for target, key, shown in (('kms-id', 'k', key_arn + 'k'), ('kms-id-2', KEY_2, key_arn + KEY_2),
                               ('kms-arn', key_arn + KEY_2, key_arn + KEY_2),
                               ('kms-alias', 'alias/backup', key_arn + 'k'), ('kms-alias-2', 'alias/other',
                                                                              key_arn + KEY_2),
                               ('kms-alias-arn', 'arn:aws:kms:us-east-1:123456789012:alias/other', key_arn + KEY_2)):
        snap = rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                                   TargetDBClusterSnapshotIdentifier=target,
                                                   KmsKeyId=key)['DBClusterSnapshot']
        assert (snap['StorageEncrypted'], snap['KmsKeyId']) == (True, shown), (key, snap['KmsKeyId'])
        line = journal_lines()[-1]
        assert (line['target'], line['kms_key_id'], line['outcome']) == (target, key, 'ok'), line
    for key in ('alias/nope', 'nope', 'arn:aws:kms:eu-west-1:123456789012:key/k',
                'arn:aws:kms:us-east-1:999999999999:key/k', 'arn:aws-cn:kms:us-east-1:123456789012:key/k',
                'arn:aws:kms:us-east-1:123456789012:alias/nope', key_arn + 'nope'):
        message = expect_client_error(rds_client.copy_db_cluster_snapshot, 'KMSKeyNotAccessibleFault', 400,
                                      SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                      TargetDBClusterSnapshotIdentifier='kms-bad', KmsKeyId=key)
        assert message.startswith(f'Specified KMS key [{key}] does not exist'), message
        assert journal_lines()[-1]['kms_key_id'] == key
    # no KmsKeyId: the copy keeps the source's key (and the journal says none was sent)
    snap = rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='encrypted-snapshot',
                                               TargetDBClusterSnapshotIdentifier='kms-inherited')['DBClusterSnapshot']
    assert snap['KmsKeyId'] == key_arn + 'k' and journal_lines()[-1]['kms_key_id'] is None
    # the table of keys and aliases can grow; reset restores it
    assert control('GET', 'kms')[1] == {'keys': ['k', KEY_2], 'aliases': {'alias/backup': 'k', 'alias/other': KEY_2}}
    assert control('POST', 'kms', {'keys': ['mrk-1'], 'aliases': {'alias/new': 'mrk-1'}})[0] == 200
    snap = client(region='eu-west-1').copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier='eu-snapshot', TargetDBClusterSnapshotIdentifier='kms-new',
        KmsKeyId='alias/new')['DBClusterSnapshot']
    assert snap['KmsKeyId'] == 'arn:aws:kms:eu-west-1:123456789012:key/mrk-1'
    for bad in ({'aliases': {'alias/x': 'unknown'}}, {'keys': ['bad/key']}, {'aliases': {'x': 'k'}}, {'colour': 1}):
        assert control('POST', 'kms', bad)[0] == 400, bad
    seeded = {'identifiers': ['seeded-encrypted'], 'kms_key': 'alias/other'}
    assert control('POST', 'seed', seeded)[0] == 200
    found = rds_client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier='seeded-encrypted')
    assert found['DBClusterSnapshots'][0]['KmsKeyId'] == key_arn + KEY_2
    assert control('POST', 'seed', {'identifiers': ['seeded-bad-key'], 'kms_key': 'alias/nope'})[0] == 400


@test
def source_arn_only_on_copies():
    """DBClusterSnapshot.SourceDBClusterSnapshotArn: the source's ARN if the snapshot was copied,
    "otherwise, a null value" (botocore service model)."""
    rds_client = client()
    originals = rds_client.describe_db_cluster_snapshots()['DBClusterSnapshots']
    for snap in originals:
        if snap['DBClusterSnapshotIdentifier'] in ('my-cluster-snapshot1', 'busy-snapshot', 'encrypted-snapshot'):
            assert 'SourceDBClusterSnapshotArn' not in snap, snap
        if snap['DBClusterSnapshotIdentifier'] == 'kms-id':
            assert snap['SourceDBClusterSnapshotArn'] == SNAPSHOT1_ARN
    assert control('POST', 'seed', {'identifiers': ['seeded-original']})[0] == 200
    snap = rds_client.describe_db_cluster_snapshots(
        DBClusterSnapshotIdentifier='seeded-original')['DBClusterSnapshots'][0]
    assert 'SourceDBClusterSnapshotArn' not in snap
    assert control('GET', 'snapshots?region=us-east-1')[1]['us-east-1']['seeded-original']['source_arn'] is None
    gov = client(region='us-gov-west-1').describe_db_cluster_snapshots()['DBClusterSnapshots']
    assert [(s['DBClusterSnapshotIdentifier'], s.get('SourceDBClusterSnapshotArn')) for s in gov] == [
        ('gov-encrypted', None), ('gov-plain', None)]
    assert gov[0]['DBClusterSnapshotArn'] == GOV_ARN


@test
def copy_conflict_not_found_and_state():
    rds_client = client()
    expect_client_error(rds_client.copy_db_cluster_snapshot, 'DBClusterSnapshotAlreadyExistsFault', 400,
                        SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                        TargetDBClusterSnapshotIdentifier='copy-1')
    for source in ('nope', 'arn:aws:rds:us-east-1:999999999999:cluster-snapshot:my-cluster-snapshot1'):
        message = expect_client_error(rds_client.copy_db_cluster_snapshot, 'DBClusterSnapshotNotFoundFault', 404,
                                      SourceDBClusterSnapshotIdentifier=source,
                                      TargetDBClusterSnapshotIdentifier='nf')
        assert message == f'DBClusterSnapshot {source} not found.'
    expect_client_error(rds_client.copy_db_cluster_snapshot, 'InvalidDBClusterSnapshotStateFault', 400,
                        SourceDBClusterSnapshotIdentifier='busy-snapshot', TargetDBClusterSnapshotIdentifier='bs')


@test
def parameter_validation():
    for target in ('1abc', 'bad--id', 'trailing-', 'under_score', 'x' * 64, ''):
        expect_raw_error(rds(copy_params('my-cluster-snapshot1', target)), 'InvalidParameterValue', 400)
    params = copy_params('my-cluster-snapshot1', 'ok')
    del params['TargetDBClusterSnapshotIdentifier']
    expect_raw_error(rds(params), 'MissingParameter', 400, 'TargetDBClusterSnapshotIdentifier')
    expect_raw_error(rds(copy_params('my-cluster-snapshot1', 'sr', SourceRegion='us-west-2')),
                     'InvalidParameterValue', 400, 'SourceRegion is not an API parameter')
    expect_raw_error(rds(copy_params('my-cluster-snapshot1', 'tm', **{'Tags.member.1.Key': 'a'})),
                     'InvalidParameterValue', 400, 'Unknown parameter Tags.member.1.Key')
    expect_raw_error(rds(copy_params('my-cluster-snapshot1', 'ct', CopyTags='yes')), 'InvalidParameterValue', 400)
    expect_raw_error(rds({'Action': 'CreateDBCluster', 'Version': '2014-10-31'}), 'InvalidAction', 400)
    expect_raw_error(rds({'Version': '2014-10-31'}), 'MissingAction', 400)
    expect_raw_error(rds(dict(params, Version='2013-01-10')), 'InvalidAction', 400)


@test
def cross_region_with_botocore_presigned_url():
    before = control('GET', 'stats')[1]['presigned_verified']
    snap = client().copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=WEST_ARN,
                                             TargetDBClusterSnapshotIdentifier='from-west', CopyTags=True,
                                             SourceRegion='us-west-2')['DBClusterSnapshot']
    assert snap['SourceDBClusterSnapshotArn'] == WEST_ARN
    assert snap['AvailabilityZones'] == ['us-east-1a', 'us-east-1b']
    assert snap['TagList'] == [{'Key': 'team', 'Value': 'db'}]
    assert control('GET', 'stats')[1]['presigned_verified'] == before + 1
    last = control('GET', 'last')[1]
    presigned = last['params']['PreSignedUrl']
    assert last['presigned_verified'] and presigned['host'] == f'127.0.0.1:{ENV.port}'
    assert presigned['params']['DestinationRegion'] == 'us-east-1'
    assert presigned['params']['X-Amz-Credential'].split('/')[2] == 'us-west-2'


@test
def presigned_url_required_only_in_govcloud():
    """botocore service model, CopyDBClusterSnapshotMessage.PreSignedUrl: for a copy "from one AWS
    GovCloud (US) Region to another" of an encrypted snapshot; "ignored in other AWS Regions". Before:
    required for every cross-region copy."""
    snap = client().copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=WEST_ARN,
                                             TargetDBClusterSnapshotIdentifier='no-presign')['DBClusterSnapshot']
    assert snap['SourceDBClusterSnapshotArn'] == WEST_ARN
    line = journal_lines()[-1]
    assert (line['outcome'], line['presigned'], line['presigned_verified']) == ('ok', False, False)
    gov = client(region='us-gov-east-1')
    message = expect_client_error(gov.copy_db_cluster_snapshot, 'InvalidParameterCombination', 400,
                                  SourceDBClusterSnapshotIdentifier=GOV_ARN, TargetDBClusterSnapshotIdentifier='gov-1',
                                  KmsKeyId='k')
    assert 'PreSignedUrl is required' in message, message
    # unencrypted: not required even in GovCloud; encrypted with botocore's PreSignedUrl: verified
    snap = gov.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=GOV_PLAIN_ARN,
                                        TargetDBClusterSnapshotIdentifier='gov-2')['DBClusterSnapshot']
    assert snap['DBClusterSnapshotArn'] == 'arn:aws-us-gov:rds:us-gov-east-1:123456789012:cluster-snapshot:gov-2'
    snap = gov.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=GOV_ARN, TargetDBClusterSnapshotIdentifier='gov-3',
                                        KmsKeyId='k', SourceRegion='us-gov-west-1')['DBClusterSnapshot']
    assert snap['KmsKeyId'] == 'arn:aws-us-gov:kms:us-gov-east-1:123456789012:key/k'
    line = journal_lines()[-1]
    assert (line['region'], line['presigned'], line['presigned_verified']) == ('us-gov-east-1', True, True)


@test
def presigned_url_checks():
    params = copy_params(WEST_ARN, 'raw-west', KmsKeyId='k')
    good = presigned_url(params, 'us-west-2')
    assert rds(dict(params, PreSignedUrl=good))[0] == 200
    params = copy_params(WEST_ARN, 'raw-west-2')
    cases = (
        (presigned_url(params, 'us-west-2', secret=OTHER_SECRET), 'signature does not match'),
        (presigned_url(params, 'us-west-2', dest_region='eu-west-1'), 'DestinationRegion eu-west-1'),
        (presigned_url(dict(params, KmsKeyId='k'), 'us-west-2'), 'differ from the request: KmsKeyId'),
        (presigned_url(params, 'us-east-1', host='rds.us-west-2.amazonaws.com'), 'signed for region us-east-1'),
        (presigned_url(params, 'us-west-2', host='rds.us-east-1.amazonaws.com'), 'host rds.us-east-1'),
        (presigned_url(params, 'us-west-2', when=datetime.datetime.utcnow() - datetime.timedelta(hours=2)),
         'has expired'),
        (presigned_url(params, 'us-west-2', access_key='AKIDSESSIONEXAMPLE', secret=SESSION_SECRET),
         'X-Amz-Security-Token'),
        (good.replace('X-Amz-SignedHeaders=host', 'X-Amz-SignedHeaders=host%3Bx-a'), 'SignedHeaders'),
    )
    for url, message in cases:
        expect_raw_error(rds(dict(params, PreSignedUrl=url)), 'InvalidParameterValue', 400, message)
    same_region = copy_params('my-cluster-snapshot1', 'same-region-presign')
    assert rds(dict(same_region, PreSignedUrl=presigned_url(same_region, 'us-east-1')))[0] == 200


@test
def wrong_secret_is_signature_mismatch():
    expect_client_error(client(secret='not-the-secret').describe_db_cluster_snapshots,
                        'SignatureDoesNotMatch', 403)


@test
def unknown_access_key():
    message = expect_client_error(client(access_key='AKIDUNKNOWN').describe_db_cluster_snapshots,
                                  'InvalidClientTokenId', 403)
    assert message == 'The security token included in the request is invalid.'


@test
def session_token_credentials():
    session = client('AKIDSESSIONEXAMPLE', SESSION_SECRET, SESSION_TOKEN)
    snap = session.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=WEST_ARN,
                                            TargetDBClusterSnapshotIdentifier='session-west',
                                            SourceRegion='us-west-2')['DBClusterSnapshot']
    assert snap['Status'] == 'copying'
    assert control('GET', 'last')[1]['params']['PreSignedUrl']['params']['X-Amz-Security-Token'] == '<redacted>'
    for token in (None, 'FAKESESSIONTOKEN/wrong'):
        expect_client_error(client('AKIDSESSIONEXAMPLE', SESSION_SECRET, token).describe_db_cluster_snapshots,
                            'InvalidClientTokenId', 403)
    expect_client_error(client(token=SESSION_TOKEN).describe_db_cluster_snapshots, 'InvalidClientTokenId', 403)


@test
def temporary_credentials():
    assert rds_standin.temporary_credential(TEMP_KEY) == (TEMP_SECRET, TEMP_TOKEN)
    assert rds_standin.temporary_credential('AKIDTEMP0000cafe') is None
    temp = client(TEMP_KEY, TEMP_SECRET, TEMP_TOKEN)
    snap = temp.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=WEST_ARN,
                                         TargetDBClusterSnapshotIdentifier='temp-west',
                                         SourceRegion='us-west-2')['DBClusterSnapshot']
    assert snap['Status'] == 'copying'
    last = control('GET', 'last')[1]
    assert last['akid'] == TEMP_KEY and last['presigned_verified'] and journal_lines()[-1]['akid'] == TEMP_KEY
    for token in (None, 'temptoken/AKIDTEMP0000BEEF=='):
        expect_client_error(client(TEMP_KEY, TEMP_SECRET, token).describe_db_cluster_snapshots,
                            'InvalidClientTokenId', 403)
    expect_client_error(client('AKIDUNKNOWN').describe_db_cluster_snapshots, 'InvalidClientTokenId', 403)
    assert journal_lines()[-1]['akid'] is None


@test
def authorization_header_errors():
    describe = {'Action': 'DescribeDBClusterSnapshots', 'Version': '2014-10-31'}
    prepared = signed_request(describe).prepare()
    expect_raw_error(https('POST', '/', prepared.body, {'Content-Type': FORM}), 'MissingAuthenticationToken', 403)
    expect_raw_error(send(signed_request(describe), {'Authorization': 'AWS4-HMAC-SHA256 garbage'}),
                     'IncompleteSignature', 400)
    expect_raw_error(rds(describe, service='ec2'), 'SignatureDoesNotMatch', 403, "scoped to correct service: 'rds'")
    unsigned_type = signed_request(describe, headers={})
    expect_raw_error(send(unsigned_type, {'Content-Type': FORM}), 'IncompleteSignature', 400, 'content-type')
    old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
    expect_raw_error(rds(describe, when=old), 'RequestExpired', 400)
    expect_raw_error(send(signed_request(describe), {'X-Amz-Date': '20150830T123600Z'}),
                     'SignatureDoesNotMatch', 403, 'Credential scope')
    body_changed = signed_request(describe)
    body_changed.data = body_changed.data + b'&MaxRecords=20'
    expect_raw_error(send(body_changed), 'SignatureDoesNotMatch', 403, 'The Canonical String')
    wrong_hash = signed_request(describe, headers={'Content-Type': FORM, 'X-Amz-Content-SHA256': '0' * 64})
    expect_raw_error(send(wrong_hash), 'SignatureDoesNotMatch', 403, 'X-Amz-Content-SHA256')


@test
def copy_progress_copying_then_available():
    rds_client = client()
    rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                        TargetDBClusterSnapshotIdentifier='progress')
    seen = [(s['Status'], s['PercentProgress']) for s in
            (rds_client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier='progress')
             ['DBClusterSnapshots'][0] for _ in range(3))]
    assert seen == [('copying', 50), ('available', 100), ('available', 100)], seen


@test
def describe_paging_and_filters():
    reset()
    rds_client = client()
    for number in range(22):
        rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                            TargetDBClusterSnapshotIdentifier=f'page-{number:02d}')
    first = rds_client.describe_db_cluster_snapshots(MaxRecords=20)
    assert len(first['DBClusterSnapshots']) == 20 and first['Marker']
    second = rds_client.describe_db_cluster_snapshots(MaxRecords=20, Marker=first['Marker'])
    assert len(second['DBClusterSnapshots']) == 5 and 'Marker' not in second
    names = [s['DBClusterSnapshotIdentifier'] for s in first['DBClusterSnapshots'] + second['DBClusterSnapshots']]
    assert len(set(names)) == 25 and 'busy-snapshot' in names
    pages = rds_client.get_paginator('describe_db_cluster_snapshots').paginate(PaginationConfig={'PageSize': 20})
    assert sum(len(page['DBClusterSnapshots']) for page in pages) == 25
    west = client(region='us-west-2').describe_db_cluster_snapshots()['DBClusterSnapshots']
    assert [s['DBClusterSnapshotIdentifier'] for s in west] == ['west-snapshot']
    assert len(rds_client.describe_db_cluster_snapshots(DBClusterIdentifier='nope')['DBClusterSnapshots']) == 0
    expect_client_error(rds_client.describe_db_cluster_snapshots, 'InvalidParameterValue', 400, MaxRecords=19)
    expect_client_error(rds_client.describe_db_cluster_snapshots, 'DBClusterSnapshotNotFoundFault', 404,
                        DBClusterSnapshotIdentifier='nope')
    expect_client_error(rds_client.describe_db_cluster_snapshots, 'DBClusterSnapshotNotFoundFault', 404,
                        DBClusterSnapshotIdentifier=WEST_ARN)


@test
def delete_snapshot():
    rds_client = client()
    deleted = rds_client.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier='page-00')['DBClusterSnapshot']
    assert (deleted['DBClusterSnapshotIdentifier'], deleted['Status']) == ('page-00', 'deleted')
    for call in (rds_client.describe_db_cluster_snapshots, rds_client.delete_db_cluster_snapshot):
        expect_client_error(call, 'DBClusterSnapshotNotFoundFault', 404, DBClusterSnapshotIdentifier='page-00')


@test
def identifiers_ignore_case():
    """Snapshot identifiers are not case-sensitive and are stored in lower case (botocore's rds model:
    CopyDBClusterSnapshotMessage's identifiers "isn't case-sensitive", DescribeDBClusterSnapshotsMessage.
    DBClusterSnapshotIdentifier "is stored as a lowercase string"). Before: stored as given, so
    My-Snap and my-snap were two snapshots and a describe of MY-SNAP found neither."""
    reset()
    rds_client = client()
    snap = rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='My-Cluster-Snapshot1',
                                               TargetDBClusterSnapshotIdentifier='Case-Copy')['DBClusterSnapshot']
    assert snap['DBClusterSnapshotIdentifier'] == 'case-copy', snap['DBClusterSnapshotIdentifier']
    assert snap['DBClusterSnapshotArn'] == 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:case-copy'
    assert snap['SourceDBClusterSnapshotArn'] == SNAPSHOT1_ARN
    expect_client_error(rds_client.copy_db_cluster_snapshot, 'DBClusterSnapshotAlreadyExistsFault', 400,
                        SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                        TargetDBClusterSnapshotIdentifier='case-COPY')
    for name in ('CASE-COPY', 'case-copy', 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:Case-Copy'):
        found = rds_client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)['DBClusterSnapshots']
        assert [s['DBClusterSnapshotIdentifier'] for s in found] == ['case-copy'], (name, found)
    found = rds_client.describe_db_cluster_snapshots(
        Filters=[{'Name': 'db-cluster-snapshot-id', 'Values': ['Case-Copy', 'MY-cluster-snapshot1']}])
    assert sorted(s['DBClusterSnapshotIdentifier'] for s in found['DBClusterSnapshots']) == \
        ['case-copy', 'my-cluster-snapshot1']
    assert len(rds_client.describe_db_cluster_snapshots(DBClusterIdentifier='My-Cluster')['DBClusterSnapshots']) > 1
    # an ARN's partition, region and account are not folded: another account's snapshot is not found
    expect_client_error(rds_client.describe_db_cluster_snapshots, 'DBClusterSnapshotNotFoundFault', 404,
                        DBClusterSnapshotIdentifier='arn:aws:rds:us-east-1:999999999999:cluster-snapshot:case-copy')
    # a scripted source in another case is the same script; its copy names the source in lower case
    rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='Delayed-1',
                                        TargetDBClusterSnapshotIdentifier='case-delayed')
    assert control('GET', 'snapshots?region=us-east-1')[1]['us-east-1']['case-delayed']['source_arn'] == \
        'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:delayed-1'
    deleted = rds_client.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier='CASE-copy')['DBClusterSnapshot']
    assert deleted['DBClusterSnapshotIdentifier'] == 'case-copy'


@test
def automated_snapshot_needs_snapshot_type():
    """DescribeDBClusterSnapshotsMessage.DBClusterSnapshotIdentifier (botocore's rds model): "If this
    identifier is for an automated snapshot, the SnapshotType parameter must also be specified." Without
    it, the stand-in does not find the automated snapshot. Before: found either way."""
    reset()
    rds_client = client()
    name = 'rds:my-cluster-2026-11-01-03-10'
    assert control('POST', 'seed', {'identifiers': [name], 'snapshot_type': 'automated'})[0] == 200
    expect_client_error(rds_client.describe_db_cluster_snapshots, 'DBClusterSnapshotNotFoundFault', 404,
                        DBClusterSnapshotIdentifier=name)
    found = rds_client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name,
                                                     SnapshotType='automated')['DBClusterSnapshots']
    assert [(s['DBClusterSnapshotIdentifier'], s['SnapshotType']) for s in found] == [(name, 'automated')]
    # listing without SnapshotType returns automated and manual ones ("If you don't specify a
    # SnapshotType value, then both automated and manual DB cluster snapshots are returned")
    listed = rds_client.describe_db_cluster_snapshots()['DBClusterSnapshots']
    assert {'automated', 'manual'} <= {s['SnapshotType'] for s in listed}
    # a manual snapshot is not found with SnapshotType=automated
    assert rds_client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                                    SnapshotType='automated')['DBClusterSnapshots'] == []
    # only automated snapshots may be seeded with an rds: name
    assert control('POST', 'seed', {'identifiers': ['rds:manual-one']})[0] == 400


@test
def storage_encryption_type():
    """DBClusterSnapshot.StorageEncryptionType (botocore 1.43's rds model: none, sse-kms, sse-rds):
    sse-kms with a KMS key, none without; read from the XML (botocore 1.29 does not know the member)."""
    reset()
    for source, kms, expected in (('my-cluster-snapshot1', None, 'none'), ('my-cluster-snapshot1', 'k', 'sse-kms'),
                                  ('encrypted-snapshot', None, 'sse-kms')):
        extra = {'KmsKeyId': kms} if kms else {}
        status, _, body = rds(copy_params(source, f'enc-{expected}-{kms or "none"}', **extra))
        assert status == 200, body
        snap = ET.fromstring(body).find(f'{NS}CopyDBClusterSnapshotResult/{NS}DBClusterSnapshot')
        assert snap.findtext(NS + 'StorageEncryptionType') == expected, (source, kms)
        assert snap.findtext(NS + 'StorageEncrypted') == ('true' if expected == 'sse-kms' else 'false')


@test
def delete_only_available_or_copying():
    """DeleteDBClusterSnapshot: "must be in the available state to be deleted", a copy in "copying"
    status may be deleted to cancel it (botocore service model); InvalidDBClusterSnapshotStateFault (400)
    otherwise. Before: any snapshot was deleted."""
    reset()
    rds_client = client()
    message = expect_client_error(rds_client.delete_db_cluster_snapshot, 'InvalidDBClusterSnapshotStateFault', 400,
                                  DBClusterSnapshotIdentifier='busy-snapshot')
    assert 'creating' in message, message
    rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                        TargetDBClusterSnapshotIdentifier='cancelled')
    deleted = rds_client.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier='cancelled')['DBClusterSnapshot']
    assert deleted['DBClusterSnapshotIdentifier'] == 'cancelled'
    rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='ends-failed-1',
                                        TargetDBClusterSnapshotIdentifier='failed-copy')
    assert describe_one('failed-copy') == ('failed', 0)
    expect_client_error(rds_client.delete_db_cluster_snapshot, 'InvalidDBClusterSnapshotStateFault', 400,
                        DBClusterSnapshotIdentifier='failed-copy')


@test
def config_and_quota():
    reset()
    assert control('POST', 'config', {'snapshot_quota': 3})[1]['snapshot_quota'] == 3
    expect_client_error(client().copy_db_cluster_snapshot, 'SnapshotQuotaExceeded', 400,
                        SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                        TargetDBClusterSnapshotIdentifier='over-quota')
    assert control('POST', 'config', {'nonsense': 1})[0] == 400
    assert control('POST', 'config', {'snapshot_quota': 'x'})[0] == 400
    assert control('POST', 'config', {'slow_seconds': -1})[0] == 400
    assert control('POST', 'config', {'clock_offset_seconds': 1e12})[0] == 400
    assert control('POST', 'config', {'clock_offset_seconds': -7})[1]['clock_offset_seconds'] == -7
    assert control('POST', 'config', {'progress_step': 101})[0] == 400
    assert control('POST', 'config', {'throttle_percent': 101})[0] == 400
    assert control('GET', 'config')[1] == {'snapshot_quota': 3, 'max_skew_seconds': 300, 'slow_seconds': 30,
                                           'expired_keys_up_to': 0, 'clock_offset_seconds': -7,
                                           'progress_step': 50, 'creating_describes': 0, 'copy_seconds': 0,
                                           'cross_region_copy_limit': 0, 'manual_snapshot_quota': 0,
                                           'throttle_rate': 0, 'throttle_percent': 0}
    assert control('GET', 'nope')[0] == 404
    reset()
    assert control('GET', 'config')[1]['snapshot_quota'] == 1000


def west_copy(rds_client, target, source=WEST_ARN):
    return rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=source,
                                               TargetDBClusterSnapshotIdentifier=target,
                                               SourceRegion='us-west-2')['DBClusterSnapshot']


@test
def timed_copies_progress_with_time():
    """copy_seconds: a copy is copying with percent rising with time, then available; Describes do not
    advance it (off: each Describe advances it progress_step percent, as copy_progress_... shows)."""
    reset()
    control('POST', 'config', {'copy_seconds': 1.5})
    rds_client = client()
    rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                        TargetDBClusterSnapshotIdentifier='timed')
    first = [describe_one('timed') for _ in range(3)]
    assert all(status == 'copying' and percent < 50 for status, percent in first), first
    time.sleep(0.8)
    status, percent = describe_one('timed')
    assert status == 'copying' and 40 <= percent <= 99, (status, percent)
    time.sleep(0.9)
    assert describe_one('timed') == ('available', 100)
    assert control('GET', 'snapshots?region=us-east-1')[1]['us-east-1']['timed']['status'] == 'available'
    reset()


@test
def cross_region_in_progress_limit_per_destination_region():
    """cross_region_copy_limit: the n+1-th cross-region copy in progress to one region is refused with
    AWS's SnapshotQuotaExceeded "Cannot copy more than n snapshots across regions"; same-region copies and
    other destination regions are not counted; a finished copy frees its place."""
    reset()
    control('POST', 'config', {'cross_region_copy_limit': 2, 'copy_seconds': 1})
    rds_client = client()
    west_copy(rds_client, 'x1')
    west_copy(rds_client, 'x2')
    message = expect_client_error(rds_client.copy_db_cluster_snapshot, 'SnapshotQuotaExceeded', 400,
                                  SourceDBClusterSnapshotIdentifier=WEST_ARN, TargetDBClusterSnapshotIdentifier='x3',
                                  SourceRegion='us-west-2')
    assert message == 'Cannot copy more than 2 snapshots across regions', message
    rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                        TargetDBClusterSnapshotIdentifier='same-region')
    east_arn = 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:my-cluster-snapshot1'
    west_client = client(region='us-west-2')
    west_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=east_arn,
                                         TargetDBClusterSnapshotIdentifier='to-west', SourceRegion='us-east-1')
    time.sleep(1.1)
    west_copy(rds_client, 'x3')
    reset()
    west_copy(client(), 'unlimited-1')
    west_copy(client(), 'unlimited-2')
    west_copy(client(), 'unlimited-3')


@test
def manual_snapshot_quota():
    """manual_snapshot_quota: a copy that would make one manual snapshot too many in the region is refused
    with SnapshotQuotaExceeded "Cannot create more than n manual snapshots"; a delete makes room."""
    reset()
    manual = sum(1 for s in client().describe_db_cluster_snapshots()['DBClusterSnapshots']
                 if s['SnapshotType'] == 'manual')
    control('POST', 'config', {'manual_snapshot_quota': manual + 1})
    rds_client = client()
    rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                        TargetDBClusterSnapshotIdentifier='q1')
    message = expect_client_error(rds_client.copy_db_cluster_snapshot, 'SnapshotQuotaExceeded', 400,
                                  SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                  TargetDBClusterSnapshotIdentifier='q2')
    assert message == f'Cannot create more than {manual + 1} manual snapshots', message
    rds_client.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier='q1')
    rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                        TargetDBClusterSnapshotIdentifier='q2')
    reset()


@test
def throttling_by_share_and_by_rate():
    """throttle_percent: that share of calls (any action) get Throttling "Rate exceeded" (400), counted as
    rejected; throttle_rate: calls beyond n in one second per region do."""
    reset()
    control('POST', 'config', {'throttle_percent': 30})
    rds_client = client()
    outcomes = []
    for _ in range(20):
        try:
            rds_client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier='my-cluster-snapshot1')
            outcomes.append('ok')
        except ClientError as error:
            assert error.response['Error']['Code'] == 'Throttling', error
            assert error.response['Error']['Message'] == 'Rate exceeded', error
            assert error.response['ResponseMetadata']['HTTPStatusCode'] == 400
            outcomes.append('throttled')
    assert outcomes.count('throttled') == 6, outcomes
    assert stats()['rejected'].get('Throttling') == 6
    reset()
    control('POST', 'config', {'throttle_rate': 3})
    started = time.monotonic()
    throttled = 0
    for _ in range(5):
        try:
            rds_client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier='my-cluster-snapshot1')
        except ClientError:
            throttled += 1
    if time.monotonic() - started < 0.9:
        assert throttled == 2, throttled
    client(region='us-west-2').describe_db_cluster_snapshots()
    time.sleep(1.1)
    rds_client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier='my-cluster-snapshot1')
    reset()


@test
def describe_filters_by_snapshot_id():
    """Filters db-cluster-snapshot-id (Filters.Filter.N.Values.Value.M), as botocore serializes them; an
    unknown filter name is InvalidParameterValue."""
    reset()
    rds_client = client()
    found = rds_client.describe_db_cluster_snapshots(
        Filters=[{'Name': 'db-cluster-snapshot-id', 'Values': ['my-cluster-snapshot1', 'busy-snapshot', 'nope']}],
        MaxRecords=100)['DBClusterSnapshots']
    assert sorted(s['DBClusterSnapshotIdentifier'] for s in found) == ['busy-snapshot', 'my-cluster-snapshot1']
    expect_client_error(rds_client.describe_db_cluster_snapshots, 'InvalidParameterValue', 400,
                        Filters=[{'Name': 'colour', 'Values': ['red']}])


@test
def stats_last_and_journal():
    reset()
    stats = control('GET', 'stats')[1]
    assert stats == {'requests': 0, 'verified': 0, 'copies_created': 0, 'presigned_verified': 0,
                     'by_action': {}, 'rejected': {}, 'attempts': {}, 'requests_by_target': {},
                     'by_action_snapshot': {}}, stats
    rds_client = client()
    rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                        TargetDBClusterSnapshotIdentifier='counted', Tags=[{'Key': 'k', 'Value': 'v'}])
    expect_client_error(rds_client.copy_db_cluster_snapshot, 'DBClusterSnapshotNotFoundFault', 404,
                        SourceDBClusterSnapshotIdentifier='nope', TargetDBClusterSnapshotIdentifier='x')
    expect_client_error(client(secret='bad').describe_db_cluster_snapshots, 'SignatureDoesNotMatch', 403)
    stats = control('GET', 'stats')[1]
    assert stats == {'requests': 3, 'verified': 2, 'copies_created': 1, 'presigned_verified': 0,
                     'by_action': {'CopyDBClusterSnapshot': 2, 'DescribeDBClusterSnapshots': 1},
                     'rejected': {'DBClusterSnapshotNotFoundFault': 1, 'SignatureDoesNotMatch': 1},
                     'attempts': {'my-cluster-snapshot1|counted': 1, 'nope|x': 1},
                     'requests_by_target': {'counted': 1, 'x': 1},
                     'by_action_snapshot': {'CopyDBClusterSnapshot': {'counted': 1, 'x': 1},
                                            'DescribeDBClusterSnapshots': {'*': 1}}}, stats
    last = control('GET', 'last')[1]
    assert last['action'] == 'DescribeDBClusterSnapshots' and last['outcome'] == 'SignatureDoesNotMatch'
    assert 'Authorization' in last['header_names'] and last['signed_headers'] is None
    assert last['akid'] == 'AKIDEXAMPLE'
    lines = journal_lines()
    assert [line['outcome'] for line in lines] == ['ok', 'DBClusterSnapshotNotFoundFault', 'SignatureDoesNotMatch']
    assert {key: lines[0][key] for key in ('action', 'region', 'akid', 'source', 'target', 'verified',
                                           'presigned')} == {
        'action': 'CopyDBClusterSnapshot', 'region': 'us-east-1', 'akid': 'AKIDEXAMPLE',
        'source': 'my-cluster-snapshot1', 'target': 'counted', 'verified': True, 'presigned': False}
    assert lines[2]['verified'] is False and lines[2]['region'] == 'us-east-1'
    assert set(lines[0]) == {'ts', 'action', 'region', 'akid', 'source', 'target', 'outcome', 'verified',
                             'presigned', 'kms_key_id', 'presigned_verified'}
    assert (lines[0]['kms_key_id'], lines[0]['presigned_verified']) == (None, False)
    assert set(lines[2]) == {'ts', 'action', 'region', 'akid', 'source', 'target', 'outcome', 'verified',
                             'presigned', 'params'}


@test
def describe_and_delete_counted_per_snapshot_and_journaled():
    reset()
    rds_client = client()
    rds_client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier='my-cluster-snapshot1')
    expect_client_error(rds_client.describe_db_cluster_snapshots, 'DBClusterSnapshotNotFoundFault', 404,
                        DBClusterSnapshotIdentifier='nope')
    rds_client.describe_db_cluster_snapshots(DBClusterIdentifier='my-cluster', SnapshotType='manual',
                                             IncludeShared=True, MaxRecords=20)
    rds_client.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier='encrypted-snapshot')
    assert stats()['by_action_snapshot'] == {
        'DescribeDBClusterSnapshots': {'my-cluster-snapshot1': 1, 'nope': 1, '*': 1},
        'DeleteDBClusterSnapshot': {'encrypted-snapshot': 1}}
    lines = journal_lines()
    assert [(line['action'], line.get('identifier'), line['outcome']) for line in lines] == [
        ('DescribeDBClusterSnapshots', 'my-cluster-snapshot1', 'ok'),
        ('DescribeDBClusterSnapshots', 'nope', 'DBClusterSnapshotNotFoundFault'),
        ('DescribeDBClusterSnapshots', None, 'ok'),
        ('DeleteDBClusterSnapshot', 'encrypted-snapshot', 'ok')]
    assert lines[2]['params'] == {'DBClusterIdentifier': 'my-cluster', 'SnapshotType': 'manual',
                                  'IncludeShared': 'true', 'MaxRecords': '20'}, lines[2]
    assert lines[0]['params'] == {'DBClusterSnapshotIdentifier': 'my-cluster-snapshot1'}
    assert 'params' not in lines[3] and lines[3]['target'] is None


def describe_one(identifier, region='us-east-1'):
    found = client(region=region).describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=identifier)
    snapshot = found['DBClusterSnapshots'][0]
    return snapshot['Status'], snapshot['PercentProgress']


@test
def progress_step_and_creating_describes():
    reset()
    rds_client = client()
    assert control('POST', 'config', {'progress_step': 30, 'creating_describes': 2})[0] == 200
    copied = rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                                 TargetDBClusterSnapshotIdentifier='stepped')
    assert (copied['DBClusterSnapshot']['Status'], copied['DBClusterSnapshot']['PercentProgress']) == ('creating', 0)
    seen = [describe_one('stepped') for _ in range(7)]
    assert seen == [('creating', 0), ('copying', 0), ('copying', 30), ('copying', 60), ('copying', 90),
                    ('available', 100), ('available', 100)], seen
    assert control('POST', 'config', {'progress_step': 0, 'creating_describes': 0})[0] == 200
    rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1',
                                        TargetDBClusterSnapshotIdentifier='never-moves')
    assert [describe_one('never-moves') for _ in range(3)] == [('copying', 0)] * 3
    # a copy of a copy does not inherit its script or its countdown
    assert control('POST', 'config', {'progress_step': 100})[0] == 200
    rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='stepped',
                                        TargetDBClusterSnapshotIdentifier='copy-of-stepped')
    assert describe_one('copy-of-stepped') == ('available', 100)
    reset()
    assert control('GET', 'config')[1]['progress_step'] == 50


@test
def ends_sources_fail_or_stall_on_a_later_describe():
    reset()
    rds_client = client()
    for source, target in (('ends-failed-2', 'ends-a'), ('ends-failed-4', 'ends-b'), ('ends-copying-1', 'ends-c'),
                           ('arn:aws:rds:us-east-1:123456789012:cluster-snapshot:ends-incompatible-restore-1',
                            'ends-d')):
        copied = rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=source,
                                                     TargetDBClusterSnapshotIdentifier=target)['DBClusterSnapshot']
        assert copied['Status'] == 'copying' and copied['SourceDBClusterSnapshotArn'] == scripted_source_arn(source)
    assert [describe_one('ends-a') for _ in range(3)] == [('copying', 50), ('failed', 50), ('failed', 50)]
    assert [describe_one('ends-b') for _ in range(5)] == [('copying', 50), ('copying', 99), ('copying', 99),
                                                          ('failed', 99), ('failed', 99)]
    assert [describe_one('ends-c') for _ in range(4)] == [('copying', 0)] * 4
    assert describe_one('ends-d') == ('incompatible-restore', 0)
    # n counts from 1: ends-failed-0 is no script, just a source that does not exist
    expect_client_error(rds_client.copy_db_cluster_snapshot, 'DBClusterSnapshotNotFoundFault', 404,
                        SourceDBClusterSnapshotIdentifier='ends-failed-0', TargetDBClusterSnapshotIdentifier='x')
    assert stats()['copies_created'] == 4


@test
def delayed_source_answers_late_and_copies_at_once():
    reset()
    request = signed_request(copy_params('delayed-2', 'late'))
    started = time.monotonic()
    status, _, body = send(request)
    assert status == 200 and time.monotonic() - started >= 2
    copied_snapshot(body, 'late', 'delayed-2')
    # the copy exists while the reply is still on its way; a client that leaves gets nothing
    error = no_reply(signed_request(copy_params('delayed-3', 'late-2')), timeout=1)
    assert isinstance(error, (socket.timeout, TimeoutError)), error
    views = control('GET', 'snapshots?region=us-east-1')[1]['us-east-1']
    assert views['late-2']['status'] == 'copying'
    assert stats()['copies_created'] == 2
    expect_raw_error(rds(copy_params('delayed-601', 'x')), 'InvalidParameterValue', 400, 'at most 600')


@test
def seed_snapshots_and_page_through_them():
    reset()
    assert control('POST', 'seed', {'prefix': 'paged-', 'count': 250, 'cluster': 'big-cluster',
                                    'snapshot_type': 'automated'}) == (200, {'seeded': 250})
    assert control('POST', 'seed', {'identifiers': ['made-copying'], 'status': 'copying',
                                    'source': 'my-cluster-snapshot1'}) == (200, {'seeded': 1})
    assert control('POST', 'seed', {'identifiers': ['w-1'], 'region': 'us-west-2'}) == (200, {'seeded': 1})
    assert stats()['requests'] == 0 and stats()['copies_created'] == 0
    rds_client = client()
    first = rds_client.describe_db_cluster_snapshots(DBClusterIdentifier='big-cluster')
    assert len(first['DBClusterSnapshots']) == 100 and first['Marker'] == 'paged-0099'
    pages = list(rds_client.get_paginator('describe_db_cluster_snapshots').paginate(
        DBClusterIdentifier='big-cluster', SnapshotType='automated'))
    names = [s['DBClusterSnapshotIdentifier'] for page in pages for s in page['DBClusterSnapshots']]
    assert len(pages) == 3 and names == [f'paged-{n:04d}' for n in range(250)]
    assert {s['SnapshotType'] for page in pages for s in page['DBClusterSnapshots']} == {'automated'}
    assert rds_client.describe_db_cluster_snapshots(DBClusterIdentifier='big-cluster',
                                                    SnapshotType='manual')['DBClusterSnapshots'] == []
    assert [line.get('params', {}).get('Marker') for line in journal_lines()[1:]] == [None, 'paged-0099',
                                                                                      'paged-0199', None]
    assert describe_one('made-copying') == ('copying', 50)
    views = control('GET', 'snapshots')[1]
    assert views['us-east-1']['made-copying'] == {'status': 'copying', 'percent': 50, 'cluster': 'my-cluster',
                                                  'type': 'manual', 'source_arn': SNAPSHOT1_ARN}
    assert control('GET', 'snapshots')[1] == views    # looking advances nothing
    assert list(control('GET', 'snapshots?region=us-west-2')[1]) == ['us-west-2']
    assert sorted(control('GET', 'snapshots?region=us-west-2')[1]['us-west-2']) == ['w-1', 'west-snapshot']
    for bad in ({'identifiers': ['made-copying']}, {'identifiers': ['a', 'a']}, {'prefix': 'p-'},
                {'prefix': 'p-', 'count': 0}, {'identifiers': ['bad--name']}, {'identifiers': 'x'},
                {'identifiers': ['x'], 'region': 'moon'}, {'identifiers': ['x'], 'snapshot_type': 'odd'},
                {'identifiers': ['x'], 'colour': 'red'}, {'identifiers': ['x'], 'cluster': 5}, []):
        assert control('POST', 'seed', bad)[0] == 400, bad
    assert 'x' not in control('GET', 'snapshots')[1]['us-east-1']
    reset()
    assert 'made-copying' not in control('GET', 'snapshots')[1]['us-east-1']


@test
def injected_error_faults():
    rds_client = client()
    for code, status in (('AccessDenied', 403), ('AccessDeniedException', 403), ('NotAuthorized', 400),
                         ('ExpiredToken', 403), ('Throttling', 400), ('InternalFailure', 500),
                         ('ServiceUnavailable', 503), ('SomethingElse', 400)):
        message = expect_client_error(rds_client.copy_db_cluster_snapshot, code, status,
                                      SourceDBClusterSnapshotIdentifier=f'fault-{code}',
                                      TargetDBClusterSnapshotIdentifier='faulty')
        assert message == f'Injected fault {code}.'
    expect_client_error(client(secret='bad').copy_db_cluster_snapshot, 'SignatureDoesNotMatch', 403,
                        SourceDBClusterSnapshotIdentifier='fault-AccessDenied',
                        TargetDBClusterSnapshotIdentifier='faulty')
    assert [line['outcome'] for line in journal_lines()[-2:]] == ['SomethingElse', 'SignatureDoesNotMatch']


@test
def injected_http_faults():
    def fault(name):
        return rds(copy_params(f'fault-{name}', 'faulty'))
    status, headers, body = fault('http-500-html')
    assert (status, headers['content-type'], body) == (500, 'text/html',
                                                       b'<html><body>Internal Server Error</body></html>')
    status, headers, body = fault('http-503-empty')
    assert (status, body) == (503, b'') and 'content-type' not in headers
    assert fault('not-xml')[::2] == (200, b'this is not xml')
    assert ET.fromstring(fault('wrong-root')[2]).tag == 'Something'
    status, _, body = fault('doctype')
    assert status == 200 and b'<!ENTITY lol2 "&lol;&lol;&lol;">' in body
    assert b'<DBClusterSnapshotIdentifier>&lol2;</DBClusterSnapshotIdentifier>' in body
    status, _, body = fault('external-entity')
    assert status == 200 and b'SYSTEM "file:///etc/passwd"' in body and b'>&xxe;<' in body
    status, _, body = fault('big')
    assert status == 200 and len(body) == 3 * 1024 * 1024
    assert ET.fromstring(body).tag == NS + 'CopyDBClusterSnapshotResponse'
    status, headers, body = fault('redirect')
    assert (status, headers['location']) == (302, 'http://169.254.169.254/latest/meta-data/')
    try:
        fault('truncated')
    except http.client.IncompleteRead:
        pass
    else:
        raise AssertionError('truncated reply was complete')


@test
def slow_fault_stops_when_client_leaves():
    started = time.monotonic()
    try:
        send(signed_request(copy_params('fault-slow', 'slow')), timeout=1)
    except socket.timeout:
        pass
    else:
        raise AssertionError('fault-slow answered at once')
    deadline = time.monotonic() + 5
    while 'fault-slow (client disconnected)' not in ENV.log():
        assert time.monotonic() < deadline, 'stand-in kept waiting after the client left'
        time.sleep(0.1)
    assert time.monotonic() - started < 20


@test
def flaky_status_and_code_failures_then_copy():
    reset()
    cases = (('503', 503, 'ServiceUnavailable'), ('500', 500, 'InternalFailure'), ('502', 502, 'BadGateway'),
             ('504', 504, 'GatewayTimeout'), ('429', 429, 'TooManyRequestsException'),
             ('Throttling', 400, 'Throttling'), ('ThrottlingException', 400, 'ThrottlingException'),
             ('RequestLimitExceeded', 400, 'RequestLimitExceeded'),
             ('TooManyRequestsException', 400, 'TooManyRequestsException'),
             ('RequestThrottled', 400, 'RequestThrottled'), ('RequestTimeout', 400, 'RequestTimeout'),
             ('InternalFailure', 500, 'InternalFailure'))
    for kind, status, code in cases:
        source, target = f'flaky-{kind}-2', f'flaky-{kind.lower()}'
        for attempt in (1, 2):
            message = expect_raw_error(rds(copy_params(source, target)), code, status)
            assert message == f'Injected flaky failure {kind} (attempt {attempt} of 2).', message
        status_3, _, body = rds(copy_params(source, target))
        assert status_3 == 200, (kind, body)
        copied_snapshot(body, target, source)
        expect_raw_error(rds(copy_params(source, target)), 'DBClusterSnapshotAlreadyExistsFault', 400)
    counted = stats()
    assert counted['copies_created'] == len(cases)
    assert counted['attempts'] == {f'flaky-{kind}-2|flaky-{kind.lower()}': 4 for kind, _, _ in cases}
    assert counted['requests_by_target'] == {f'flaky-{kind.lower()}': 4 for kind, _, _ in cases}
    assert [line['outcome'] for line in journal_lines()[:4]] == ['ServiceUnavailable', 'ServiceUnavailable', 'ok',
                                                                 'DBClusterSnapshotAlreadyExistsFault']
    _, _, body = rds(copy_params('flaky-503-1', 'flaky-type'))
    assert ET.fromstring(body).findtext(f'{NS}Error/{NS}Type') == 'Receiver'
    _, _, body = rds(copy_params('flaky-Throttling-1', 'flaky-type'))
    assert ET.fromstring(body).findtext(f'{NS}Error/{NS}Type') == 'Sender'


@test
def flaky_html_reset_pairs_and_unknown_kinds():
    reset()
    for _ in range(2):
        status, headers, body = rds(copy_params('flaky-500html-2', 'html'))
        assert (status, headers['content-type'], body) == (500, 'text/html',
                                                           b'<html><body>Internal Server Error</body></html>')
    copied_snapshot(rds(copy_params('flaky-500html-2', 'html'))[2], 'html', 'flaky-500html-2')
    error = no_reply(signed_request(copy_params('flaky-reset-1', 'reset')))
    assert isinstance(error, http.client.RemoteDisconnected), repr(error)
    copied_snapshot(rds(copy_params('flaky-reset-1', 'reset'))[2], 'reset', 'flaky-reset-1')
    assert tcp_ending(signed_request(copy_params('flaky-reset-1', 'reset-tcp'))) == 'reset'
    assert tcp_ending(signed_request(copy_params('fault-truncated', 'eof-tcp'))) == 'eof'
    assert control('GET', 'last')[1]['status'] == 200
    # each (source, target) pair counts for itself; flaky-<kind>-0 never fails
    expect_raw_error(rds(copy_params('flaky-503-1', 'pair-a')), 'ServiceUnavailable', 503)
    expect_raw_error(rds(copy_params('flaky-503-1', 'pair-b')), 'ServiceUnavailable', 503)
    copied_snapshot(rds(copy_params('flaky-503-1', 'pair-a'))[2], 'pair-a', 'flaky-503-1')
    copied_snapshot(rds(copy_params('flaky-503-0', 'pair-c'))[2], 'pair-c', 'flaky-503-0')
    for source in ('flaky-999-1', 'flaky-200-1'):
        expect_raw_error(rds(copy_params(source, 'unknown-kind')), 'InvalidParameterValue', 400,
                         'unknown flaky kind')
    counted = stats()
    assert counted['attempts'] == {'flaky-500html-2|html': 3, 'flaky-reset-1|reset': 2, 'flaky-reset-1|reset-tcp': 1,
                                   'fault-truncated|eof-tcp': 1, 'flaky-503-1|pair-a': 2,
                                   'flaky-503-1|pair-b': 1, 'flaky-503-0|pair-c': 1, 'flaky-999-1|unknown-kind': 1,
                                   'flaky-200-1|unknown-kind': 1}, counted['attempts']
    assert counted['copies_created'] == 4 and counted['rejected']['flaky-reset-1'] == 2
    assert [line['outcome'] for line in journal_lines()[3:5]] == ['flaky-reset-1', 'ok']
    wait_for_log('flaky-reset-1 (reset)')


@test
def flaky_retried_by_botocore_and_cross_region():
    reset()
    retrying = botocore.session.get_session().create_client(
        'rds', region_name='us-east-1', endpoint_url=ENV.url, verify=ENV.ca, aws_access_key_id='AKIDEXAMPLE',
        aws_secret_access_key=SECRET, config=Config(retries={'mode': 'standard', 'total_max_attempts': 3},
                                                    connect_timeout=5, read_timeout=10))
    for source, target in (('flaky-Throttling-2', 'boto-throttled'), ('flaky-reset-1', 'boto-reset')):
        snap = retrying.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=source,
                                                 TargetDBClusterSnapshotIdentifier=target)['DBClusterSnapshot']
        assert (snap['DBClusterSnapshotIdentifier'], snap['SourceDBClusterSnapshotArn']) == \
            (target, scripted_source_arn(source))
    assert stats()['attempts'] == {'flaky-Throttling-2|boto-throttled': 3, 'flaky-reset-1|boto-reset': 2}
    # an ARN source in another region: the failure comes first, then a PreSignedUrl that came is checked
    west_flaky = 'arn:aws:rds:us-west-2:123456789012:cluster-snapshot:flaky-503-1'
    params = copy_params(west_flaky, 'flaky-west')
    expect_raw_error(rds(dict(params, PreSignedUrl=presigned_url(params, 'us-west-2'))), 'ServiceUnavailable', 503)
    stale = presigned_url(params, 'us-west-2', when=datetime.datetime.utcnow() - datetime.timedelta(hours=2))
    expect_raw_error(rds(dict(params, PreSignedUrl=stale)), 'InvalidParameterValue', 400, 'has expired')
    copied_snapshot(rds(dict(params, PreSignedUrl=presigned_url(params, 'us-west-2')))[2], 'flaky-west', west_flaky)
    assert control('GET', 'last')[1]['presigned_verified'] and stats()['attempts'][f'{west_flaky}|flaky-west'] == 3


@test
def created_then_reply_lost_after_exactly_one_copy():
    reset()
    control('POST', 'config', {'slow_seconds': 1})
    assert isinstance(no_reply(signed_request(copy_params('created-then-reset', 'lost-reset'))),
                      http.client.RemoteDisconnected)
    expect_raw_error(rds(copy_params('created-then-503', 'lost-503')), 'ServiceUnavailable', 503,
                     'Injected failure after the copy was created.')
    assert rds(copy_params('created-then-garbage', 'lost-garbage'))[::2] == (200, b'not xml')
    started = time.monotonic()
    assert isinstance(no_reply(signed_request(copy_params('created-then-timeout', 'lost-timeout'))),
                      http.client.RemoteDisconnected)
    assert 0.9 < time.monotonic() - started < 5
    counted = stats()
    assert counted['copies_created'] == 4 and counted['verified'] == 4
    rds_client = client()
    for kind in ('reset', '503', 'garbage', 'timeout'):
        expect_client_error(rds_client.copy_db_cluster_snapshot, 'DBClusterSnapshotAlreadyExistsFault', 400,
                            SourceDBClusterSnapshotIdentifier=f'created-then-{kind}',
                            TargetDBClusterSnapshotIdentifier=f'lost-{kind}')
        found = rds_client.describe_db_cluster_snapshots(
            DBClusterSnapshotIdentifier=f'lost-{kind}')['DBClusterSnapshots']
        assert [(s['SourceDBClusterSnapshotArn'], s['Status']) for s in found] == \
            [(scripted_source_arn(f'created-then-{kind}'), 'copying')]
    expect_client_error(client(secret='bad').copy_db_cluster_snapshot, 'SignatureDoesNotMatch', 403,
                        SourceDBClusterSnapshotIdentifier='created-then-reset',
                        TargetDBClusterSnapshotIdentifier='lost-reset')
    counted = stats()
    assert counted['copies_created'] == 4
    assert counted['requests_by_target'] == {'lost-reset': 3, 'lost-503': 2, 'lost-garbage': 2, 'lost-timeout': 2}
    assert counted['attempts'] == {f'created-then-{kind}|lost-{kind}': 2
                                   for kind in ('reset', '503', 'garbage', 'timeout')}
    expect_raw_error(rds(copy_params('created-then-later', 'lost-later')), 'InvalidParameterValue', 400,
                     'unknown kind later')
    assert stats()['copies_created'] == 4
    # timeout waits slow_seconds (30 by default) but stops when the client leaves
    control('POST', 'config', {'slow_seconds': 30})
    assert isinstance(no_reply(signed_request(copy_params('created-then-timeout', 'lost-left')), timeout=1),
                      socket.timeout)
    wait_for_log('created-then-timeout (client disconnected)')
    assert stats()['copies_created'] == 5


@test
def lost_reply_copy_with_another_key_or_no_source_arn():
    """POST /__standin/lost_reply: the copy a created-then- source makes carries another KMS key, or no
    SourceDBClusterSnapshotArn, so a client's reconciliation after a lost reply can be tested."""
    reset()
    assert control('GET', 'lost_reply') == (200, {'kms_key': None, 'omit_source_arn': False})
    assert control('POST', 'lost_reply', {'kms_key': 'alias/other'})[1] == {'kms_key': 'alias/other',
                                                                            'omit_source_arn': False}
    assert rds(copy_params('created-then-503', 'lost-key', KmsKeyId='k'))[0] == 503
    rds_client = client()
    found = rds_client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier='lost-key')['DBClusterSnapshots'][0]
    assert found['KmsKeyId'] == 'arn:aws:kms:us-east-1:123456789012:key/' + KEY_2
    assert found['SourceDBClusterSnapshotArn'] == scripted_source_arn('created-then-503')
    assert journal_lines()[0]['kms_key_id'] == 'k'
    # other scripted sources are not affected
    snap = rds_client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier='flaky-503-0',
                                               TargetDBClusterSnapshotIdentifier='not-lost', KmsKeyId='k')
    assert snap['DBClusterSnapshot']['KmsKeyId'] == 'arn:aws:kms:us-east-1:123456789012:key/k'
    assert control('POST', 'lost_reply', {'kms_key': None, 'omit_source_arn': True})[0] == 200
    assert isinstance(no_reply(signed_request(copy_params('created-then-reset', 'lost-arn'))),
                      http.client.RemoteDisconnected)
    found = rds_client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier='lost-arn')['DBClusterSnapshots'][0]
    assert 'SourceDBClusterSnapshotArn' not in found and found['StorageEncrypted'] is False
    assert control('GET', 'snapshots?region=us-east-1')[1]['us-east-1']['lost-arn']['source_arn'] is None
    for bad in ({'kms_key': 5}, {'omit_source_arn': 'yes'}, {'colour': 1}, []):
        assert control('POST', 'lost_reply', bad)[0] == 400, bad
    reset()
    assert control('GET', 'lost_reply')[1] == {'kms_key': None, 'omit_source_arn': False}


@test
def drip_fault_one_byte_every_two_seconds():
    with streamed_reply(copy_params('fault-drip', 'drip')) as response:
        assert response.status == 200 and int(response.getheader('Content-Length')) > 1000
        assert response.getheader('Connection') == 'close'
        started = time.monotonic()
        assert response.read(1) == b'<' and time.monotonic() - started < 1
        assert response.read(1) == b'C' and 1.5 < time.monotonic() - started < 3.5
    wait_for_log('fault-drip (client disconnected)')


@test
def reset_mid_body_fault():
    with streamed_reply(copy_params('fault-reset-mid-body', 'rst')) as response:
        length = int(response.getheader('Content-Length'))
        assert response.status == 200 and length > 1000
        received = b''
        while chunk := response.fp.read1(length):
            received += chunk
        assert len(received) == length // 2
        assert received.startswith(b'<CopyDBClusterSnapshotResponse xmlns=')
    assert tcp_ending(signed_request(copy_params('fault-reset-mid-body', 'rst'))) == 'reset'


@test
def huge_chunked_fault():
    status, headers, body = send(signed_request(copy_params('fault-huge-chunked', 'chunky')), timeout=30)
    assert status == 200 and headers['transfer-encoding'] == 'chunked' and 'content-length' not in headers
    assert len(body) == 10 * 1024 * 1024 and body.startswith(b'<CopyDBClusterSnapshotResponse xmlns=')
    assert body.endswith(b'</CopyDBClusterSnapshotResponse>\n') and b'<Padding>xxxx' in body
    with streamed_reply(copy_params('fault-huge-chunked', 'chunky-left')) as response:
        assert len(response.read(65536)) == 65536
    wait_for_log('fault-huge-chunked (client disconnected)')


@test
def gzip_and_huge_header_faults():
    created = stats()['copies_created']
    status, headers, body = rds(copy_params('fault-gzip', 'zipped'))
    assert (status, headers['content-encoding'], headers['content-type']) == (200, 'gzip', 'text/xml')
    assert body.startswith(b'\x1f\x8b') and int(headers['content-length']) == len(body)
    assert ET.fromstring(gzip.decompress(body)).tag == NS + 'CopyDBClusterSnapshotResponse'
    status, headers, body = rds(copy_params('fault-huge-headers', 'headed'))
    padding = {name: value for name, value in headers.items() if name.startswith('x-standin-padding-')}
    assert status == 200 and len(padding) == 25
    assert sum(len(f'{name}: {value}\r\n') for name, value in padding.items()) == 100 * 1024
    assert ET.fromstring(body).tag == NS + 'CopyDBClusterSnapshotResponse'
    assert stats()['copies_created'] == created


@test
def date_header_follows_clock_offset():
    reset()
    describe = {'Action': 'DescribeDBClusterSnapshots', 'Version': '2014-10-31', 'MaxRecords': '20'}
    now = datetime.datetime.now(datetime.timezone.utc)
    status, headers, _ = rds(describe)
    assert status == 200 and near(reply_date(headers), now)
    for offset in (3600, -3600):
        assert control('POST', 'config', {'clock_offset_seconds': offset})[0] == 200
        shifted = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
        naive_shifted = shifted.replace(tzinfo=None)
        response = rds(describe)
        message = expect_raw_error(response, 'RequestExpired', 400, 'is more than 300 seconds from the server time')
        assert near(reply_date(response[1]), shifted), response[1]['date']
        server_time = datetime.datetime.strptime(message.split('server time ')[1][:16], '%Y%m%dT%H%M%SZ')
        assert near(server_time, naive_shifted)
        status, headers, _ = rds(describe, when=naive_shifted)
        assert status == 200 and near(reply_date(headers), shifted)
        response = rds(describe, when=naive_shifted, secret='wrong')
        expect_raw_error(response, 'SignatureDoesNotMatch', 403)
        assert near(reply_date(response[1]), shifted)
        status, _, body = rds(copy_params('my-cluster-snapshot1', f'shifted{offset + 3600}'), when=naive_shifted)
        created = ET.fromstring(body).findtext(f'{NS}CopyDBClusterSnapshotResult/{NS}DBClusterSnapshot/'
                                               f'{NS}SnapshotCreateTime')
        assert status == 200 and near(datetime.datetime.strptime(created, '%Y-%m-%dT%H:%M:%S.%fZ'), naive_shifted)
    # a PreSignedUrl is checked against the shifted clock too
    control('POST', 'config', {'clock_offset_seconds': 7200})
    naive_shifted = datetime.datetime.utcnow() + datetime.timedelta(seconds=7200)
    params = copy_params(WEST_ARN, 'shifted-west')
    expect_raw_error(rds(dict(params, PreSignedUrl=presigned_url(params, 'us-west-2')), when=naive_shifted),
                     'InvalidParameterValue', 400, 'PreSignedUrl has expired.')
    with frozen_time(naive_shifted):
        snap = client().copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=WEST_ARN,
                                                 TargetDBClusterSnapshotIdentifier='shifted-west',
                                                 SourceRegion='us-west-2')['DBClusterSnapshot']
    assert snap['SourceDBClusterSnapshotArn'] == WEST_ARN
    status, _, document = https('GET', '/__standin/config')
    assert status == 200 and json.loads(document)['clock_offset_seconds'] == 7200
    reset()
    status, headers, _ = rds(describe)
    assert status == 200 and near(reply_date(headers), datetime.datetime.now(datetime.timezone.utc))


@test
def blackhole_port_swallows_connects():
    ports = [control('POST', 'blackhole')[1]['port'] for _ in range(2)]
    assert len(set(ports)) == 2 and ENV.port not in ports
    for port, timeout in zip(ports, (2, 1)):
        started = time.monotonic()
        with socket.socket() as probe:
            probe.settimeout(timeout)
            try:
                probe.connect(('127.0.0.1', port))
            except socket.timeout:
                assert time.monotonic() - started >= timeout - 0.1
            else:
                raise AssertionError(f'connected to the black hole {port}')
    reset()
    assert_refused(ports[0])
    ENV.blackhole = control('POST', 'blackhole')[1]['port']   # closed at exit: see the SIGTERM test


@test
def sigterm_exits_cleanly_and_log_has_no_secrets():
    assert ENV.stop() == 0
    if ENV.blackhole:
        assert_refused(ENV.blackhole)
    log = ENV.log()
    assert 'listening on https://127.0.0.1:' in log and log.rstrip().endswith('stopped')
    for secret in SECRETS + ('AWS4-HMAC-SHA256 Credential', 'Signature='):
        for form in (secret, secret.replace('/', '%2F').replace('+', '%2B').replace('=', '%3D')):
            assert form not in log, f'log contains {form!r}'
    with open(os.path.join(ENV.state, 'journal.jsonl')) as handle:
        journal = handle.read()
    assert not any(secret in journal for secret in SECRETS)


def main():
    clean_environment()
    ENV.make_certs()
    ENV.start()
    return SUITE.run(ENV.stop)


if __name__ == '__main__':
    sys.exit(main())
