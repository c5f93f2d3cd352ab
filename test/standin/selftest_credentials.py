#!/usr/bin/python3
"""selftest_credentials.py -- self-test of the fake credential servers (fake_credentials.py).

Run from the repository root:   /usr/bin/python3 test/standin/selftest_credentials.py

botocore is the client throughout: its own IMDS fetcher and provider, container provider, STS client,
assume-role fetchers and SSO fetcher get credentials from the fakes, and every issued credential then signs a
CopyDBClusterSnapshot that the RDS stand-in (rds_standin.py) must accept and journal with its key.

What lives in this file:
  * Fakes: fake_credentials.py started with the certificates of harness.ENV (which also runs the RDS
    stand-in); its ports, stderr log and journal
  * helpers: raw requests to a fake, its /__fake/ control API, botocore providers and STS clients
  * the tests (plain asserts, run in order by harness.run); the last line printed is "N passed, M failed"
Certificates, the RDS stand-in, the test runner and signed raw requests come from harness.py (shared
with selftest.py).
Exit status is non-zero if any test fails. Nothing but loopback is contacted.
"""

import datetime
import http.client
import json
import os
import re
import socket
import ssl
import sys
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import botocore
import botocore.session
from botocore.config import Config
from botocore.credentials import (AssumeRoleCredentialFetcher, AssumeRoleWithWebIdentityCredentialFetcher,
                                  ContainerProvider, Credentials, InstanceMetadataProvider, RefreshableCredentials,
                                  SSOCredentialFetcher)
from botocore.exceptions import CredentialRetrievalError, UnauthorizedSSOTokenError
from botocore.utils import ContainerMetadataFetcher, InstanceMetadataFetcher

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fake_credentials  # noqa: E402  (needs HERE on sys.path)
import awsfake  # noqa: E402
import harness  # noqa: E402
from harness import ENV, SECRET, expect_client_error  # noqa: E402

AUTH_TOKEN = fake_credentials.DEFAULTS['container']['auth_token']
WEB_TOKEN = fake_credentials.DEFAULTS['sts']['web_identity_token']
ROLE_ARN = 'arn:aws:iam::123456789012:role/rds-copy'
EXTERNAL_ID_ROLE_ARN = 'arn:aws:iam::123456789012:role/needs-external-id'
TEMP_KEY_RE = re.compile(r'AKIDTEMP\d{8}')
EXPIRATION_RE = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ')
STS_NS = '{https://sts.amazonaws.com/doc/2011-06-15/}'
IMDS_CREDENTIALS = fake_credentials.IMDS_ROLES_PATH + fake_credentials.TEST_ROLE
SERVERS = ('imds', 'container', 'sts', 'imds6', 'sso')
TLS_SERVERS = ('sts', 'sso')
SSO_TOKEN = 'sso-access-token-EXAMPLE'
IMDS_TOKENS = []   # every IMDS token this test got, for the no-secrets-in-logs check


# ------------------------------------------------------------------------------------------------
# The fake credential servers

class Fakes:
    def __init__(self):
        self.state = os.path.join(ENV.tmp, 'fake-state')
        self.log_path = os.path.join(ENV.tmp, 'fake-credentials.log')
        self.process = None
        self.ports = None

    def start(self):
        self.process, ready = harness.launch(
            [os.path.join(HERE, 'fake_credentials.py'), '--state-dir', self.state,
             '--cert', os.path.join(ENV.certs, 'server.crt'), '--key', os.path.join(ENV.certs, 'server.key')],
            os.path.join(ENV.tmp, 'fake-ready'), self.log_path)
        self.ports = json.loads(ready)

    def stop(self):
        return harness.terminate(self.process)

    def url(self, server):
        host = '[::1]' if server == 'imds6' else '127.0.0.1'
        return f"{'https' if server in TLS_SERVERS else 'http'}://{host}:{self.ports[server]}"

    def log(self):
        with open(self.log_path) as handle:
            return handle.read()

    def journal(self):
        with open(os.path.join(self.state, 'credentials-journal.jsonl')) as handle:
            return [json.loads(line) for line in handle]


FAKES = Fakes()


# ------------------------------------------------------------------------------------------------
# Helpers

def call(server, method, path, body=b'', headers=None, timeout=10):
    """Raw request to one fake -> (status, {lowercase header: value}, body)."""
    if server in TLS_SERVERS:
        connection = http.client.HTTPSConnection('127.0.0.1', FAKES.ports[server], context=harness.tls_context(),
                                                 timeout=timeout)
    else:
        connection = http.client.HTTPConnection('::1' if server == 'imds6' else '127.0.0.1', FAKES.ports[server],
                                                timeout=timeout)
    return harness.exchange(connection, method, path, body, headers)


def control(server, method, name, payload=None):
    body = json.dumps(payload).encode() if payload is not None else b''
    status, _, reply = call(server, method, '/__fake/' + name, body, {'Content-Type': 'application/json'})
    return status, json.loads(reply)


def configure(server, **settings):
    status, document = control(server, 'POST', 'config', settings)
    assert status == 200, document
    return document


def reset_all():
    for server in SERVERS:
        assert control(server, 'POST', 'reset') == (200, {'reset': True})


def imds_token(ttl='21600'):
    status, _, token = call('imds', 'PUT', '/latest/api/token', headers={fake_credentials.IMDS_TTL_HEADER: ttl})
    assert status == 200, status
    IMDS_TOKENS.append(token.decode())
    return token.decode()


def imds_get(path, token):
    return call('imds', 'GET', path, headers={'X-aws-ec2-metadata-token': token})


def imds_document():
    status, _, body = imds_get(IMDS_CREDENTIALS, imds_token())
    assert status == 200, body
    return json.loads(body)


def container_get(path='/v2/credentials/task-1', token=AUTH_TOKEN, timeout=10):
    return call('container', 'GET', path, headers={'Authorization': token} if token else {}, timeout=timeout)


def imds_fetcher():
    # env={}: botocore must not see the AWS_EC2_METADATA_DISABLED=true that guards every other client
    return InstanceMetadataFetcher(timeout=1, num_attempts=1, base_url=FAKES.url('imds') + '/', env={})


def container_provider(token=AUTH_TOKEN, path='/v2/credentials/task-1', host='127.0.0.1'):
    environ = {'AWS_CONTAINER_CREDENTIALS_FULL_URI': f"http://{host}:{FAKES.ports['container']}{path}"}
    if token is not None:
        environ['AWS_CONTAINER_AUTHORIZATION_TOKEN'] = token
    return ContainerProvider(environ=environ, fetcher=ContainerMetadataFetcher(sleep=lambda seconds: None))


def sts_client(access_key='AKIDEXAMPLE', secret=SECRET, token=None, **config):
    """botocore STS client for the fake; config=Config keywords, e.g. signature_version=botocore.UNSIGNED."""
    return botocore.session.get_session().create_client(
        'sts', region_name='us-east-1', endpoint_url=FAKES.url('sts'), verify=ENV.ca,
        aws_access_key_id=access_key, aws_secret_access_key=secret, aws_session_token=token,
        config=Config(**dict({'retries': {'total_max_attempts': 1}, 'connect_timeout': 5, 'read_timeout': 10},
                             **config)))


def client_creator(service, **kwargs):
    """What botocore's assume-role fetchers use to make their STS client, aimed at the fake."""
    assert service == 'sts'
    config = Config(retries={'total_max_attempts': 1}).merge(kwargs.pop('config', Config()))
    return botocore.session.get_session().create_client(
        'sts', region_name='us-east-1', endpoint_url=FAKES.url('sts'), verify=ENV.ca, config=config, **kwargs)


def web_identity(role_arn=ROLE_ARN, token=WEB_TOKEN, **params):
    return sts_client(signature_version=botocore.UNSIGNED).assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName='web-session', WebIdentityToken=token, **params)


def sts_raw(params, **signing):
    """POST / to the fake STS signed by harness.signed_request (service sts unless given)."""
    signing.setdefault('service', 'sts')
    request = harness.signed_request(dict({'Version': '2011-06-15'}, **params), endpoint=FAKES.url('sts'),
                                      **signing).prepare()
    return call('sts', 'POST', '/', request.body, dict(request.headers))


def sts_error(response):
    """(HTTP status, Error/Code) of an STS ErrorResponse."""
    status, _, body = response
    root = ET.fromstring(body)
    assert root.tag == STS_NS + 'ErrorResponse', body
    assert root.findtext(f'{STS_NS}Error/{STS_NS}Type') in ('Sender', 'Receiver')
    assert root.findtext(f'{STS_NS}RequestId')
    return status, root.findtext(f'{STS_NS}Error/{STS_NS}Code')


def seconds_left(expiration):
    """Seconds from now until an Expiration given as text (AWS format) or as datetime."""
    if isinstance(expiration, str):
        assert EXPIRATION_RE.fullmatch(expiration), expiration
        expiration = datetime.datetime.strptime(expiration, '%Y-%m-%dT%H:%M:%SZ').replace(
            tzinfo=datetime.timezone.utc)
    return (expiration - datetime.datetime.now(datetime.timezone.utc)).total_seconds()


def frozen(credentials):
    """(access key, secret, token) of botocore credentials or of a fetcher's / STS reply's dict."""
    if hasattr(credentials, 'get_frozen_credentials'):
        return tuple(credentials.get_frozen_credentials())
    if 'AccessKeyId' in credentials:
        return credentials['AccessKeyId'], credentials['SecretAccessKey'], credentials.get(
            'SessionToken', credentials.get('Token'))
    return credentials['access_key'], credentials['secret_key'], credentials['token']


def check_temporary(credentials):
    """Credentials are an issued temporary key with the derived secret and token -> the key."""
    access_key, secret, token = frozen(credentials)
    assert TEMP_KEY_RE.fullmatch(access_key), access_key
    assert (secret, token) == awsfake.temporary_credential(access_key)
    return access_key


def copy_with(credentials):
    """CopyDBClusterSnapshot signed with credentials succeeds at the RDS stand-in, journaled with the key."""
    access_key, secret, token = frozen(credentials)
    target = 'copy-' + access_key.lower()
    snapshot = harness.client(access_key, secret, token).copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier='my-cluster-snapshot1', TargetDBClusterSnapshotIdentifier=target)
    assert snapshot['DBClusterSnapshot']['DBClusterSnapshotIdentifier'] == target
    line = harness.journal_lines()[-1]
    assert (line['akid'], line['target'], line['outcome'], line['verified']) == (access_key, target, 'ok', True)
    assert harness.control('GET', 'last')[1]['akid'] == access_key


def last_journal(server):
    return [line for line in FAKES.journal() if line['server'] == server][-1]


def refused_connection(server, method, path, **kwargs):
    """True when the fake closes the connection without answering (mode down)."""
    started = time.monotonic()
    try:
        call(server, method, path, **kwargs)
    except (ConnectionError, ssl.SSLError):
        return time.monotonic() - started < 2
    return False


# ------------------------------------------------------------------------------------------------
# Tests (run in this order)

SUITE = harness.Suite()
test = SUITE.test
TESTS = SUITE.tests


@test
def ready_file_and_tls():
    assert set(FAKES.ports) == set(SERVERS) and all(isinstance(p, int) for p in FAKES.ports.values())
    assert len(set(FAKES.ports.values())) == len(SERVERS)
    for server in TLS_SERVERS:
        with socket.create_connection(('127.0.0.1', FAKES.ports[server]), timeout=5) as raw:
            with harness.tls_context().wrap_socket(raw, server_hostname='localhost') as wrapped:
                assert wrapped.version()
    for server in SERVERS:
        assert control(server, 'GET', 'stats') == (200, {'requests': 0, 'issued': 0, 'by_path': {}})


@test
def imds_v2_with_botocore():
    fetched = imds_fetcher().retrieve_iam_role_credentials()
    assert fetched['role_name'] == 'rds-copy-test-role'
    access_key = check_temporary(fetched)
    assert 3590 < seconds_left(fetched['expiry_time']) <= 3600
    copy_with(fetched)
    provided = InstanceMetadataProvider(iam_role_fetcher=imds_fetcher()).load()
    assert isinstance(provided, RefreshableCredentials) and provided.method == 'iam-role'
    assert check_temporary(provided) != access_key
    copy_with(provided)
    document = imds_document()
    assert set(document) == {'Code', 'LastUpdated', 'Type', 'AccessKeyId', 'SecretAccessKey', 'Token',
                             'Expiration'}
    assert (document['Code'], document['Type']) == ('Success', 'AWS-HMAC')
    assert EXPIRATION_RE.fullmatch(document['LastUpdated']) and abs(seconds_left(document['LastUpdated'])) < 5
    check_temporary(document)
    stats = control('imds', 'GET', 'stats')[1]
    assert stats['issued'] == 3 and stats['by_path'][IMDS_CREDENTIALS] == 3, stats


@test
def imds_refuses_v1_bad_tokens_and_unknown_roles():
    listing = fake_credentials.IMDS_ROLES_PATH
    assert call('imds', 'GET', listing)[0] == 401
    assert call('imds', 'GET', IMDS_CREDENTIALS)[0] == 401
    assert imds_get(listing, 'not-a-token')[0] == 401
    for ttl in ('0', '21601', 'abc', ''):
        assert call('imds', 'PUT', '/latest/api/token', headers={fake_credentials.IMDS_TTL_HEADER: ttl})[0] == 400
    assert call('imds', 'PUT', '/latest/api/token')[0] == 400
    token = imds_token()
    status, headers, body = imds_get(listing, token)
    assert (status, body, headers['content-type']) == (200, b'rds-copy-test-role', 'text/plain')
    assert imds_get(listing + 'other-role', token)[0] == 404
    assert imds_get('/latest/meta-data/nothing', token)[0] == 404
    short = imds_token('1')
    assert imds_get(listing, short)[0] == 200
    time.sleep(1.1)
    assert imds_get(listing, short)[0] == 401
    assert last_journal('imds')['outcome'] == 'Unauthorized'


@test
def container_with_botocore():
    provided = container_provider().load()
    assert isinstance(provided, RefreshableCredentials) and provided.method == 'container-role'
    first = check_temporary(provided)
    copy_with(provided)
    eks = container_provider(path='/v1/credentials', host='localhost').load()
    assert check_temporary(eks) != first
    copy_with(eks)
    status, headers, body = container_get()
    assert status == 200 and headers['content-type'] == 'application/json'
    document = json.loads(body)
    assert set(document) == {'AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration', 'RoleArn'}
    assert document['RoleArn'] == 'arn:aws:iam::123456789012:role/rds-copy-test-role'
    assert 3590 < seconds_left(document['Expiration']) <= 3600
    assert (last_journal('container')['path'], last_journal('container')['issued_akid']) == (
        '/v2/credentials/task-1', document['AccessKeyId'])


@test
def container_refuses_wrong_token_and_paths():
    for token in ('wrong-token', None):
        try:
            container_provider(token=token).load()
        except CredentialRetrievalError as error:
            assert '401' in str(error)
        else:
            raise AssertionError(f'container credentials given for Authorization {token!r}')
        status, _, body = container_get(token=token)
        assert status == 401 and json.loads(body)['code'] == 'Unauthorized'
    for path in ('/v2/credentials/', '/v3/credentials/x', '/'):
        assert container_get(path)[0] == 404
    assert call('container', 'POST', '/v2/credentials/x', b'{}')[0] == 405
    configure('container', auth_token=None, credentials_path='/creds')
    assert container_get('/creds', token=None)[0] == 200
    configure('container', auth_token='other-token')
    assert container_get(token=AUTH_TOKEN)[0] == 401 and container_get(token='other-token')[0] == 200
    assert control('container', 'POST', 'reset')[0] == 200
    assert container_get(token='other-token')[0] == 401


@test
def sts_assume_role_signed():
    reply = sts_client().assume_role(RoleArn=ROLE_ARN, RoleSessionName='rds-copy-session')
    access_key = check_temporary(reply['Credentials'])
    assert 3590 < seconds_left(reply['Credentials']['Expiration']) <= 3600
    assert reply['AssumedRoleUser']['Arn'] == 'arn:aws:sts::123456789012:assumed-role/rds-copy/rds-copy-session'
    assert re.fullmatch(r'AROA[0-9A-F]{17}:rds-copy-session', reply['AssumedRoleUser']['AssumedRoleId'])
    assert reply['ResponseMetadata']['RequestId'] == reply['ResponseMetadata']['HTTPHeaders']['x-amzn-requestid']
    copy_with(reply['Credentials'])
    line = last_journal('sts')
    assert {key: line[key] for key in ('action', 'outcome', 'role_arn', 'role_session_name', 'external_id',
                                       'source_akid', 'issued_akid', 'request_id')} == {
        'action': 'AssumeRole', 'outcome': 'ok', 'role_arn': ROLE_ARN, 'role_session_name': 'rds-copy-session',
        'external_id': False, 'source_akid': 'AKIDEXAMPLE', 'issued_akid': access_key,
        'request_id': reply['ResponseMetadata']['RequestId']}
    chained = sts_client(*frozen(reply['Credentials'])).assume_role(RoleArn=ROLE_ARN, RoleSessionName='chained')
    assert last_journal('sts')['source_akid'] == access_key
    copy_with(chained['Credentials'])
    fetched = AssumeRoleCredentialFetcher(client_creator, Credentials(*frozen(chained['Credentials'])),
                                          ROLE_ARN).fetch_credentials()
    assert last_journal('sts')['role_session_name'].startswith('botocore-session-')
    copy_with(fetched)


@test
def sts_assume_role_refusals():
    expect_client_error(sts_client(signature_version=botocore.UNSIGNED).assume_role, 'MissingAuthenticationToken',
                        403, RoleArn=ROLE_ARN, RoleSessionName='s1')
    assert last_journal('sts')['source_akid'] is None
    expect_client_error(sts_client(secret='wrong').assume_role, 'SignatureDoesNotMatch', 403,
                        RoleArn=ROLE_ARN, RoleSessionName='s1')
    assert last_journal('sts')['source_akid'] == 'AKIDEXAMPLE'
    expect_client_error(sts_client('AKIDUNKNOWN').assume_role, 'InvalidClientTokenId', 403,
                        RoleArn=ROLE_ARN, RoleSessionName='s1')
    temp = 'AKIDTEMP99999999'
    expect_client_error(sts_client(temp, 'tempsecret/' + temp).assume_role, 'InvalidClientTokenId', 403,
                        RoleArn=ROLE_ARN, RoleSessionName='s1')
    params = {'Action': 'AssumeRole', 'RoleArn': ROLE_ARN, 'RoleSessionName': 's1'}
    assert sts_error(sts_raw(params, service='rds')) == (403, 'SignatureDoesNotMatch')
    old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
    assert sts_error(sts_raw(params, when=old)) == (400, 'RequestExpired')
    assert sts_raw(params)[0] == 200
    expect_client_error(sts_client().assume_role, 'AccessDenied', 403,
                        RoleArn='arn:aws:iam::123456789012:role/denied', RoleSessionName='s1')
    unchecked = sts_client(parameter_validation=False)
    for arguments in ({'RoleArn': 'arn:aws:iam::123:role/x'}, {'RoleArn': 'arn:aws:iam::123456789012:user/x'},
                      {'RoleSessionName': 'x'}, {'RoleSessionName': 'a b'}, {'RoleSessionName': 'x' * 65},
                      {'DurationSeconds': 899}, {'DurationSeconds': 43201}):
        expect_client_error(unchecked.assume_role, 'ValidationError', 400,
                            **dict({'RoleArn': ROLE_ARN, 'RoleSessionName': 's1'}, **arguments))
    assert sts_error(sts_raw({'Action': 'AssumeRole', 'RoleSessionName': 's1'})) == (400, 'ValidationError')
    assert sts_error(sts_raw(dict(params, Action='GetCallerIdentity'))) == (400, 'InvalidAction')
    assert sts_error(sts_raw(dict(params, Version='2011-06-16'))) == (400, 'InvalidAction')
    assert last_journal('sts')['issued_akid'] is None


@test
def sts_external_id_rule():
    assume = sts_client().assume_role
    expect_client_error(assume, 'AccessDenied', 403, RoleArn=EXTERNAL_ID_ROLE_ARN, RoleSessionName='s1')
    assert last_journal('sts')['external_id'] is False
    expect_client_error(assume, 'AccessDenied', 403, RoleArn=EXTERNAL_ID_ROLE_ARN, RoleSessionName='s1',
                        ExternalId='external-WRONG')
    assert last_journal('sts')['external_id'] is True
    reply = assume(RoleArn=EXTERNAL_ID_ROLE_ARN, RoleSessionName='s1', ExternalId='external-EXAMPLE')
    copy_with(reply['Credentials'])
    line = last_journal('sts')
    assert (line['external_id'], line['outcome'], line['role_arn']) == (True, 'ok', EXTERNAL_ID_ROLE_ARN)
    assert 'external-EXAMPLE' not in json.dumps(FAKES.journal())


@test
def sts_web_identity_unsigned():
    fetcher = AssumeRoleWithWebIdentityCredentialFetcher(client_creator, lambda: WEB_TOKEN, ROLE_ARN)
    fetched = fetcher.fetch_credentials()
    check_temporary(fetched)
    copy_with(fetched)
    line = last_journal('sts')
    assert (line['action'], line['source_akid'], line['issued_akid']) == (
        'AssumeRoleWithWebIdentity', None, fetched['access_key'])
    reply = web_identity(DurationSeconds=900)
    assert reply['SubjectFromWebIdentityToken'] == 'system:serviceaccount:default:rds-copy'
    assert reply['Provider'].startswith('arn:aws:iam::123456789012:oidc-provider/')
    assert reply['Audience'] == 'sts.amazonaws.com'
    assert reply['AssumedRoleUser']['Arn'] == 'arn:aws:sts::123456789012:assumed-role/rds-copy/web-session'
    assert 890 < seconds_left(reply['Credentials']['Expiration']) <= 900
    copy_with(reply['Credentials'])
    signed = sts_client('AKIDUNKNOWN').assume_role_with_web_identity(
        RoleArn=ROLE_ARN, RoleSessionName='signed-anyway', WebIdentityToken=WEB_TOKEN)
    check_temporary(signed['Credentials'])
    expect_client_error(web_identity, 'InvalidIdentityToken', 400, token='web-identity-token-WRONG')
    expect_client_error(web_identity, 'AccessDenied', 403, role_arn='arn:aws:iam::123456789012:role/denied')
    params = {'Action': 'AssumeRoleWithWebIdentity', 'RoleArn': ROLE_ARN, 'RoleSessionName': 's1'}
    status, _, body = call('sts', 'POST', '/', urlencode(dict(params, Version='2011-06-15')).encode(),
                           {'Content-Type': harness.FORM})
    assert sts_error((status, _, body)) == (400, 'ValidationError')
    configure('sts', web_identity_token='rotated-token')
    expect_client_error(web_identity, 'InvalidIdentityToken', 400)
    check_temporary(web_identity(token='rotated-token')['Credentials'])
    control('sts', 'POST', 'reset')


def sso_fetcher(token, role='sso-role', account='123456789012'):
    """botocore's SSOCredentialFetcher (legacy flow: the token from token_loader) aimed at the fake portal."""
    def creator(service, **kwargs):
        assert service == 'sso'
        config = Config(retries={'total_max_attempts': 1}).merge(kwargs.pop('config', Config()))
        return botocore.session.get_session().create_client(
            'sso', region_name='us-east-1', endpoint_url=FAKES.url('sso'), verify=ENV.ca, config=config, **kwargs)
    expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime(
        '%Y-%m-%dT%H:%M:%SZ')
    return SSOCredentialFetcher(start_url='https://selftest-EXAMPLE.awsapps.com/start', sso_region='us-east-1',
                                role_name=role, account_id=account, client_creator=creator,
                                token_loader=lambda start_url: {'accessToken': token, 'expiresAt': expires})


@test
def sso_get_role_credentials_with_botocore():
    now = datetime.datetime.now(datetime.timezone.utc)
    expired = (now - datetime.timedelta(minutes=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
    configure('sso', tokens={SSO_TOKEN: (now + datetime.timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%SZ'),
                             'expired-sso-token': expired})
    fetched = sso_fetcher(SSO_TOKEN).fetch_credentials()
    access_key = check_temporary(fetched)
    assert 3590 < seconds_left(fetched['expiry_time']) <= 3600
    copy_with(fetched)
    entry = last_journal('sso')
    assert (entry['action'], entry['issued_akid'], entry['role_arn'], entry['status']) == (
        'GetRoleCredentials', access_key, 'arn:aws:iam::123456789012:role/sso-role', 200), entry
    # a token it was not told about, or one past its expiresAt: UnauthorizedException (HTTP 401)
    for token in ('other-sso-token', 'expired-sso-token'):
        try:
            sso_fetcher(token).fetch_credentials()
        except UnauthorizedSSOTokenError:
            pass
        else:
            raise AssertionError(f'{token} was accepted')
        assert (last_journal('sso')['status'], last_journal('sso')['issued_akid']) == (401, None)
    status, headers, _ = call('sso', 'GET', '/federation/credentials?role_name=r&account_id=1',
                              headers={fake_credentials.SSO_TOKEN_HEADER: SSO_TOKEN})
    assert (status, headers['x-amzn-errortype']) == (400, 'InvalidRequestException')
    assert control('sso', 'GET', 'stats')[1]['issued'] == 1
    configure('sso', tokens={})


@test
def lifetime_setting_shows_in_expiration():
    for server in SERVERS:
        assert configure(server, lifetime_seconds=960)['lifetime_seconds'] == 960
    assert 950 < seconds_left(imds_document()['Expiration']) <= 960
    assert 950 < seconds_left(json.loads(container_get()[2])['Expiration']) <= 960
    assume = sts_client().assume_role
    assert 950 < seconds_left(assume(RoleArn=ROLE_ARN, RoleSessionName='s1')['Credentials']['Expiration']) <= 960
    assert 950 < seconds_left(assume(RoleArn=ROLE_ARN, RoleSessionName='s1', DurationSeconds=3600)
                              ['Credentials']['Expiration']) <= 960
    provided = container_provider().load()
    assert 950 < seconds_left(provided._expiry_time) <= 960
    assert provided.refresh_needed(refresh_in=15 * 60 + 60) and not provided.refresh_needed()
    reset_all()


@test
def refresh_fetches_a_new_key():
    configure('container', lifetime_seconds=300)
    provided = container_provider().load()
    first = last_journal('container')['issued_akid']
    refreshed = check_temporary(provided)   # under 10 minutes left: botocore must refresh before use
    assert refreshed != first and control('container', 'GET', 'stats')[1]['issued'] == 2
    copy_with(provided)
    keys = [check_temporary(imds_document()), check_temporary(json.loads(container_get()[2])),
            check_temporary(web_identity()['Credentials']), check_temporary(imds_document())]
    assert len(set(keys + [first, refreshed])) == 6
    assert [int(key[-8:]) for key in keys] == sorted(int(key[-8:]) for key in keys)
    reset_all()


@test
def mode_down_closes_connections():
    for server in SERVERS:
        configure(server, mode='down')
    assert refused_connection('imds', 'PUT', '/latest/api/token', headers={fake_credentials.IMDS_TTL_HEADER: '60'})
    assert imds_fetcher().retrieve_iam_role_credentials() == {}
    assert refused_connection('container', 'GET', '/v2/credentials/x', headers={'Authorization': AUTH_TOKEN})
    try:
        container_provider().load()
    except CredentialRetrievalError:
        pass
    else:
        raise AssertionError('container credentials while down')
    assert refused_connection('sts', 'POST', '/', body=b'Action=AssumeRole')
    try:
        web_identity()
    except (botocore.exceptions.ConnectionClosedError, botocore.exceptions.EndpointConnectionError):
        pass
    else:
        raise AssertionError('STS answered while down')
    assert control('sts', 'GET', 'stats')[1]['requests'] == 2 and last_journal('sts')['outcome'] == 'down'
    reset_all()


@test
def mode_slow_waits_and_notices_departures():
    for server in SERVERS:
        configure(server, mode='slow')
    started = time.monotonic()
    assert imds_fetcher().retrieve_iam_role_credentials() == {}
    assert time.monotonic() - started < 4
    try:
        container_get(timeout=1)
    except socket.timeout:
        pass
    else:
        raise AssertionError('mode slow answered at once')
    deadline = time.monotonic() + 4
    while 'GET /v2/credentials/task-1 -> 200 ok (client disconnected)' not in FAKES.log():
        assert time.monotonic() < deadline, 'the fake kept waiting after the client left'
        time.sleep(0.1)
    started = time.monotonic()
    check_temporary(web_identity()['Credentials'])
    assert 4.9 < time.monotonic() - started < 8
    reset_all()


@test
def mode_malformed_omits_the_secret():
    for server in SERVERS:
        configure(server, mode='malformed')
    assert imds_fetcher().retrieve_iam_role_credentials() == {}
    document = imds_document()
    assert 'SecretAccessKey' not in document and TEMP_KEY_RE.fullmatch(document['AccessKeyId'])
    status, _, body = container_get()
    assert status == 200 and set(json.loads(body)) == {'AccessKeyId', 'Token', 'Expiration', 'RoleArn'}
    reply = web_identity()
    assert 'Credentials' not in reply and reply['AssumedRoleUser']['Arn'].endswith('/web-session')
    assert last_journal('sts')['outcome'] == 'malformed' and last_journal('sts')['issued_akid'] is None
    assert all(control(server, 'GET', 'stats')[1]['issued'] == 0 for server in SERVERS)
    reset_all()


@test
def mode_not_json_and_error():
    for server in SERVERS:
        configure(server, mode='not-json')
    assert imds_fetcher().retrieve_iam_role_credentials() == {}
    status, headers, body = imds_get(IMDS_CREDENTIALS, imds_token())
    assert (status, body) == (200, b'<html>oops</html>')
    assert container_get()[::2] == (200, b'<html>oops</html>')
    try:
        container_provider().load()
    except CredentialRetrievalError:
        pass
    else:
        raise AssertionError('container credentials from <html>')
    assert sts_raw({'Action': 'AssumeRole', 'RoleArn': ROLE_ARN, 'RoleSessionName': 's1'})[::2] == (
        200, b'<html>oops</html>')
    for server in SERVERS:
        configure(server, mode='error')
    assert imds_get(IMDS_CREDENTIALS, imds_token())[0] == 500
    assert imds_fetcher().retrieve_iam_role_credentials() == {}
    assert container_get()[0] == 500
    expect_client_error(web_identity, 'InvalidParameterValue', 400)
    expect_client_error(web_identity, 'InvalidIdentityToken', 400, token='wrong')
    assert all(control(server, 'GET', 'stats')[1]['issued'] == 0 for server in SERVERS)
    reset_all()


@test
def injected_faults_and_botocore_retries():
    """fail_times / fail_with, with botocore's own retries as the client: what rds_copy must match."""
    standard = {'retries': {'mode': 'standard', 'total_max_attempts': 3}}   # AWS_MAX_ATTEMPTS=3
    # STS: two throttles, then credentials (botocore standard mode: 3 attempts in all)
    configure('sts', fail_times=2, fail_with='Throttling')
    check_temporary(sts_client(**standard).assume_role(RoleArn=ROLE_ARN, RoleSessionName='s1')['Credentials'])
    assert control('sts', 'GET', 'stats')[1]['by_path'] == {'AssumeRole': 3}
    assert [line['outcome'] for line in FAKES.journal() if line['server'] == 'sts'][-3:] == [
        'injected:Throttling', 'injected:Throttling', 'ok']
    # three throttles: botocore gives up after 3 attempts
    configure('sts', fail_times=3, fail_with='Throttling')
    expect_client_error(lambda: sts_client(**standard).assume_role(RoleArn=ROLE_ARN, RoleSessionName='s1'),
                        'Throttling', 400)
    # IDPCommunicationError is retried for web identity (botocore retries/special.py)
    reset_all()
    configure('sts', fail_times=2, fail_with='IDPCommunicationError')
    check_temporary(sts_client(signature_version=botocore.UNSIGNED, **standard).assume_role_with_web_identity(
        RoleArn=ROLE_ARN, RoleSessionName='web-session', WebIdentityToken=WEB_TOKEN)['Credentials'])
    assert control('sts', 'GET', 'stats')[1]['by_path'] == {'AssumeRoleWithWebIdentity': 3}
    # AccessDenied and InvalidIdentityToken are not retried
    reset_all()
    configure('sts', fail_times=1, fail_with='AccessDenied')
    expect_client_error(lambda: sts_client(**standard).assume_role(RoleArn=ROLE_ARN, RoleSessionName='s1'),
                        'AccessDenied', 403)
    configure('sts', fail_times=1, fail_with='InvalidIdentityToken')
    expect_client_error(lambda: sts_client(signature_version=botocore.UNSIGNED, **standard)
                        .assume_role_with_web_identity(RoleArn=ROLE_ARN, RoleSessionName='web-session',
                                                       WebIdentityToken=WEB_TOKEN), 'InvalidIdentityToken', 400)
    assert control('sts', 'GET', 'stats')[1]['requests'] == 2
    # a 503 status with no AWS code
    configure('sts', fail_times=1, fail_with='http-503')
    assert call('sts', 'POST', '/', b'Action=AssumeRole', {'Content-Type': harness.FORM})[0] == 503
    # container: botocore's ContainerMetadataFetcher tries 3 times
    configure('container', fail_times=2, fail_with='http-503')
    check_temporary(container_provider().load())
    assert control('container', 'GET', 'stats')[1]['requests'] == 3
    configure('container', fail_times=3, fail_with='down')
    try:
        container_provider().load()
        raise AssertionError('3 failed attempts gave credentials')
    except CredentialRetrievalError:
        pass
    assert control('container', 'GET', 'stats')[1]['requests'] == 6
    # IMDS: num_attempts tries of each request
    configure('imds', fail_times=1, fail_with='http-503')
    fetcher = InstanceMetadataFetcher(timeout=1, num_attempts=2, base_url=FAKES.url('imds') + '/', env={})
    check_temporary(fetcher.retrieve_iam_role_credentials())
    assert control('imds', 'GET', 'stats')[1]['by_path']['/latest/api/token'] == 2
    # hang: no reply within the client's timeout; the next request is answered
    configure('imds', fail_times=1, fail_with='hang')
    started = time.monotonic()
    try:
        call('imds', 'PUT', '/latest/api/token', headers={fake_credentials.IMDS_TTL_HEADER: '60'}, timeout=1)
        raise AssertionError('a hanging fake answered')
    except (socket.timeout, TimeoutError):
        assert time.monotonic() - started < 3
    assert imds_token()
    assert control('imds', 'GET', 'config')[1]['fail_times'] == 0
    # the IPv6 IMDS, through botocore's fetcher
    fetcher = InstanceMetadataFetcher(timeout=1, num_attempts=1, base_url=FAKES.url('imds6') + '/', env={})
    check_temporary(fetcher.retrieve_iam_role_credentials())
    assert last_journal('imds6')['path'] == IMDS_CREDENTIALS
    assert control('imds6', 'GET', 'stats')[1]['requests'] == 3 and control('imds', 'GET', 'stats')[1]['requests'] == 6
    assert control('sts', 'POST', 'config', {'fail_with': 'not a code'})[0] == 400
    assert control('sts', 'POST', 'config', {'fail_times': -1})[0] == 400
    reset_all()


@test
def control_api():
    assert control('container', 'POST', 'config', {'mode': 'sideways'})[0] == 400
    assert control('container', 'POST', 'config', {'lifetime_seconds': 0})[0] == 400
    assert control('container', 'POST', 'config', {'lifetime_seconds': True})[0] == 400
    assert control('imds', 'POST', 'config', {'auth_token': 'x'})[0] == 400
    assert control('sts', 'POST', 'config', {'web_identity_token': ''})[0] == 400
    assert control('sts', 'POST', 'config', [1])[0] == 400
    assert control('sso', 'POST', 'config', {'tokens': {'t': 5}})[0] == 400
    assert control('sso', 'POST', 'config', {'tokens': ['t']})[0] == 400
    status, _, _ = call('sts', 'POST', '/__fake/config', b'not json', {'Content-Type': 'application/json'})
    assert status == 400
    assert control('imds', 'GET', 'nothing')[0] == 404
    assert control('sts', 'GET', 'config')[1] == fake_credentials.DEFAULTS['sts']
    imds_document()
    sts_client().assume_role(RoleArn=ROLE_ARN, RoleSessionName='s1')
    assert control('imds', 'GET', 'stats')[1] == {
        'requests': 2, 'issued': 1, 'by_path': {'/latest/api/token': 1, IMDS_CREDENTIALS: 1}}
    assert control('sts', 'GET', 'stats')[1] == {'requests': 1, 'issued': 1, 'by_path': {'AssumeRole': 1}}
    assert control('container', 'GET', 'stats')[1]['requests'] == 0
    reset_all()
    assert control('imds', 'GET', 'stats')[1] == {'requests': 0, 'issued': 0, 'by_path': {}}


@test
def journal_fields_and_no_secrets():
    lines = FAKES.journal()
    assert lines and all(tuple(line) == fake_credentials.JOURNAL_FIELDS for line in lines)
    assert {line['server'] for line in lines} == set(SERVERS)
    issued = [line['issued_akid'] for line in lines if line['issued_akid']]
    assert len(issued) == len(set(issued)) and all(TEMP_KEY_RE.fullmatch(key) for key in issued)
    text = json.dumps(lines)
    for secret in ('tempsecret/', 'temptoken/', AUTH_TOKEN, WEB_TOKEN, SECRET, 'Signature=') + tuple(IMDS_TOKENS):
        assert secret not in text, secret


@test
def sigterm_exits_cleanly_and_logs_have_no_secrets():
    assert FAKES.stop() == 0 and ENV.stop() == 0
    fake_log, rds_log = FAKES.log(), ENV.log()
    assert 'listening: imds http://127.0.0.1:' in fake_log and fake_log.rstrip().endswith('stopped')
    assert len(fake_log.splitlines()) > 100
    assert 'Bad request' not in fake_log and 'connection error' not in fake_log
    secrets = harness.SECRETS + ('tempsecret/', 'temptoken/', 'tempsecret%2F', 'temptoken%2F', AUTH_TOKEN,
                                  WEB_TOKEN, SSO_TOKEN, 'other-sso-token', 'rotated-token', 'other-token', 'AWS4-HMAC-SHA256', 'Signature=',
                                  'external-EXAMPLE') + tuple(IMDS_TOKENS)
    for log in (fake_log, rds_log):
        for secret in secrets:
            assert secret not in log, f'log contains {secret!r}'


def stop_all():
    FAKES.stop()
    ENV.stop()


def main():
    harness.clean_environment()
    ENV.make_certs()
    ENV.start()
    FAKES.start()
    return SUITE.run(stop_all)


if __name__ == '__main__':
    sys.exit(main())
