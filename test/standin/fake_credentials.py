#!/usr/bin/python3
"""fake_credentials.py -- loopback fakes of the AWS credential sources, used by the rds_copy tests.

  fake_credentials.py --state-dir D --cert F --key F [--ready-file F]

One process runs four servers on 127.0.0.1 and a second IMDS on ::1, on ports the OS picks, and once
they listen writes {"imds": P1, "container": P2, "sts": P3, "imds6": P4, "sso": P5} to the ready file
(atomic rename). SIGTERM or SIGINT: exit 0.

  imds       plain HTTP, like EC2's 169.254.169.254, IMDSv2 only: PUT /latest/api/token, then with the
             token GET /latest/meta-data/iam/security-credentials/ and .../rds-copy-test-role
  imds6      the same IMDS on [::1] (for AWS_EC2_METADATA_SERVICE_ENDPOINT=http://[::1]:P4), with its own
             settings, counters and journal name
  sso        HTTPS, the SSO portal (IAM Identity Center, API 2019-06-10): GET /federation/credentials
             ?role_name=R&account_id=A with x-amz-sso_bearer_token, which must be one of the access
             tokens it was told about (setting tokens: {token: expiresAt}) and not expired, else 401
             UnauthorizedException (botocore: UnauthorizedSSOTokenError)
  container  plain HTTP, like ECS/EKS's 169.254.170.2 or a FULL_URI: GET /v2/credentials/<id> (and the
             configured credentials_path) with "Authorization: <auth_token>"
  sts        HTTPS (--cert/--key), Query API 2011-06-15: AssumeRole (SigV4, verified by awsfake's
             verify_sigv4 for service sts) and AssumeRoleWithWebIdentity (unsigned)

Every successful fetch issues a new access key AKIDTEMP<8 digits>; its secret and session token are
awsfake.temporary_credential(key), so rds_standin.py accepts it. Expiration = now + lifetime.

Each server has the control API GET /__fake/stats, GET|POST /__fake/config (DEFAULTS, SETTING_CHECKS,
MODES) and POST /__fake/reset (its settings and counters only). <state-dir>/credentials-journal.jsonl
gets one JSON line per request to any of the three (JOURNAL_FIELDS); stderr one log line per request.
Secrets (secret keys, session tokens, IMDS tokens, Authorization values, web identity tokens, external
ids) are never logged or journaled.

What lives in this file, top to bottom:
  * constants: paths, roles, defaults, modes, setting checks, journal fields
  * Issuer (new temporary credentials), Journal, Fake (settings and counters of one server), ImdsFake
  * FakeHandler: control API, modes, journal and log line for every server
  * ImdsHandler, ContainerHandler, StsHandler (with the STS parameter checks and XML replies)
  * main()
From awsfake.py (shared with rds_standin.py): temporary credentials, SigV4 verification, Query-API
errors and XML, the journal file, the server and BaseHandler plumbing (bodies, delayed replies, the
control-endpoint dispatcher), the ready file and the SIGTERM handling.
"""

import argparse
import dataclasses
import datetime
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections import namedtuple
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import awsfake  # noqa: E402  (lives next to this file)
from awsfake import AwsError as ServiceError  # noqa: E402  (code, message, HTTP status)
from awsfake import Reply, utcnow  # noqa: E402

# ------------------------------------------------------------------------------------------------
# Constants

HOST = '127.0.0.1'
HOST6 = '::1'
ACCOUNT = awsfake.ACCOUNT
STS_VERSION = '2011-06-15'
STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'
CONTROL_PREFIX = '/__fake/'
IMDS_TOKEN_PATH = '/latest/api/token'
IMDS_ROLES_PATH = '/latest/meta-data/iam/security-credentials/'
IMDS_TTL_HEADER = 'X-aws-ec2-metadata-token-ttl-seconds'
IMDS_MAX_TTL = 21600
CONTAINER_PATH_RE = re.compile(r'/v2/credentials/.+')
TEST_ROLE = 'rds-copy-test-role'
TEST_ROLE_ARN = f'arn:aws:iam::{ACCOUNT}:role/{TEST_ROLE}'
DENIED_ROLE_ARN = f'arn:aws:iam::{ACCOUNT}:role/denied'
EXTERNAL_ID_ROLE_SUFFIX = '/needs-external-id'
EXTERNAL_ID = 'external-EXAMPLE'
WEB_IDENTITY_SUBJECT = 'system:serviceaccount:default:rds-copy'
WEB_IDENTITY_PROVIDER = f'arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE'
WEB_IDENTITY_AUDIENCE = 'sts.amazonaws.com'
ROLE_ARN_RE = re.compile(r'arn:aws:iam::\d{12}:role/[\w+=,.@-]+', re.ASCII)
SESSION_NAME_RE = re.compile(r'[\w+=,.@-]{2,64}', re.ASCII)
DURATION_RANGE = range(900, 43200 + 1)
SLOW_SECONDS = 5
STS_MAX_SKEW_SECONDS = 300   # allowed |X-Amz-Date - now| of a signed STS request, as rds_standin's default
NOT_JSON = b'<html>oops</html>'

MODES = ('ok', 'down', 'slow', 'malformed', 'not-json', 'error')
# Fault injection: the next fail_times requests (not the control API) fail as fail_with says, then the
# mode answers again. fail_with: 'down' (connection closed, no reply), 'hang' (no reply for
# HANG_SECONDS, then closed), 'http-<status>' (that status, an error body), or an AWS error code
# (STS: an ErrorResponse with FAULT_STATUS's HTTP status; IMDS and container: 500).
FAULT_STATUS = {   # the HTTP status AWS sends with each code (STS API reference, AWS Common Errors)
    'Throttling': 400, 'ThrottlingException': 400, 'RequestLimitExceeded': 400, 'IDPCommunicationError': 400,
    'InvalidIdentityToken': 400, 'AccessDenied': 403, 'ExpiredTokenException': 400,
    'InternalFailure': 500, 'ServiceUnavailable': 503,
}
FAULT_RE = re.compile(r'down|hang|http-[1-5][0-9][0-9]|[A-Za-z][A-Za-z0-9]{1,63}')
HANG_SECONDS = 30
FAULTS = {'fail_times': 0, 'fail_with': 'down'}
DEFAULTS = {
    'imds': {'lifetime_seconds': 3600, 'mode': 'ok', **FAULTS},
    'imds6': {'lifetime_seconds': 3600, 'mode': 'ok', **FAULTS},
    'container': {'lifetime_seconds': 3600, 'mode': 'ok', 'auth_token': 'container-auth-token-EXAMPLE',
                  'credentials_path': '/v1/credentials', **FAULTS},
    'sts': {'lifetime_seconds': 3600, 'mode': 'ok', 'web_identity_token': 'web-identity-token-EXAMPLE', **FAULTS},
    'sso': {'lifetime_seconds': 3600, 'mode': 'ok', 'tokens': {}, **FAULTS},
}
SETTING_CHECKS = {
    'lifetime_seconds': (lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0,
                         'a positive integer'),
    'mode': (lambda v: v in MODES, 'one of ' + ', '.join(MODES)),
    'auth_token': (lambda v: v is None or (isinstance(v, str) and v != ''),
                   'a non-empty string, or null for no Authorization check'),
    'web_identity_token': (lambda v: isinstance(v, str) and v != '', 'a non-empty string'),
    'credentials_path': (lambda v: isinstance(v, str) and v.startswith('/'), 'a path starting with /'),
    'fail_times': (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
                   'a whole number of requests'),
    'fail_with': (lambda v: isinstance(v, str) and FAULT_RE.fullmatch(v) is not None,
                  "'down', 'hang', 'http-<status>' or an AWS error code"),
    'tokens': (lambda v: isinstance(v, dict) and all(isinstance(t, str) and t and isinstance(e, str)
                                                     for t, e in v.items()),
               'an object of access token -> expiresAt (ISO-8601)'),
}

JOURNAL_FIELDS = ('ts', 'server', 'request_id', 'method', 'path', 'action', 'status', 'outcome', 'role_arn',
                  'role_session_name', 'external_id', 'source_akid', 'issued_akid')


def aws_time(moment):
    """2026-11-27T17:00:00Z, as the credential services print Expiration."""
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def log(message):
    awsfake.log(message, FakeHandler.log_name)


# ------------------------------------------------------------------------------------------------
# Issued credentials, journal, per-server state

Issued = namedtuple('Issued', 'access_key secret token expiration')


class Issuer:
    """Issues temporary credentials; the access keys count up and are unique within the process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0

    def issue(self, lifetime_seconds):
        with self.lock:
            self.count += 1
            access_key = f'AKIDTEMP{self.count:08d}'
        credential = awsfake.temporary_credential(access_key)
        expiration = aws_time(utcnow() + datetime.timedelta(seconds=lifetime_seconds))
        return Issued(access_key, credential.secret, credential.token, expiration)


def Journal(state_dir):
    """<state-dir>/credentials-journal.jsonl, appended to by all three servers."""
    return awsfake.JsonlJournal(state_dir, 'credentials-journal.jsonl')


class Fake:
    """Settings and counters of one server (name: a key of DEFAULTS); every access holds self.lock."""

    def __init__(self, name, issuer, journal):
        self.name = name
        self.issuer = issuer
        self.journal = journal
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.config = dict(DEFAULTS[self.name])
            self.counters = {'requests': 0, 'issued': 0}
            self.by_path = {}

    def configure(self, changes):
        if not isinstance(changes, dict):
            raise ValueError('the body must be a JSON object')
        for key, value in changes.items():
            if key not in self.config:
                raise ValueError(f'unknown setting {key} for {self.name}; known: {", ".join(self.config)}')
            check, wanted = SETTING_CHECKS[key]
            if not check(value):
                raise ValueError(f'{key} must be {wanted}')
        with self.lock:
            self.config.update(changes)
            return dict(self.config)

    def settings(self):
        with self.lock:
            return dict(self.config)

    def stats(self):
        with self.lock:
            return dict(self.counters, by_path=dict(self.by_path))

    def take_fault(self):
        """The fault the next request meets (fail_with), counting fail_times down; None when none is left."""
        with self.lock:
            if self.config['fail_times'] <= 0:
                return None
            self.config['fail_times'] -= 1
            return self.config['fail_with']

    def record(self, entry):
        """Count one request (by its STS action, else its path) and append it to the journal."""
        key = entry['action'] or entry['path']
        with self.lock:
            self.counters['requests'] += 1
            self.counters['issued'] += entry['issued_akid'] is not None
            self.by_path[key] = self.by_path.get(key, 0) + 1
        self.journal.write(entry)


class ImdsFake(Fake):
    """Fake plus the IMDSv2 session tokens handed out (token -> monotonic expiry)."""

    def reset(self):
        super().reset()
        with self.lock:
            self.tokens = {}

    def new_token(self, ttl_seconds):
        token = secrets.token_urlsafe(42)
        with self.lock:
            self.tokens[token] = time.monotonic() + ttl_seconds
        return token

    def token_valid(self, token):
        with self.lock:
            expiry = self.tokens.get(token or '')
        return expiry is not None and time.monotonic() < expiry


# ------------------------------------------------------------------------------------------------
# Request handling common to the three servers

class FakeHandler(awsfake.BaseHandler):
    """Routes /__fake/ to the control API and everything else through the configured mode to answer().

    Subclasses define answer(method, path, body, settings, details) -> Reply, which raises ServiceError to
    refuse, fills in the journal fields in details and hands valid credentials requests to
    issue_reply; and error_reply(error, request_id) -> Reply, which renders a ServiceError.
    """
    log_name = 'fake-credentials'
    server_version = 'fake-credentials'

    def do_GET(self):
        self.dispatch('GET')

    def do_PUT(self):
        self.dispatch('PUT')

    def do_POST(self):
        self.dispatch('POST')

    def dispatch(self, method):
        path = urlsplit(self.path).path
        if path.startswith(CONTROL_PREFIX):
            self.handle_control(method, path)
        else:
            self.handle_service(method, path)

    def handle_service(self, method, path):
        started = time.monotonic()
        fake = self.server.standin
        settings = fake.settings()
        details = dict.fromkeys(JOURNAL_FIELDS)
        details.update(ts=awsfake.iso_ms(utcnow()), server=fake.name, request_id=str(uuid.uuid4()),
                       method=method, path=path)
        fault = fake.take_fault()
        if fault is not None:
            self.injected_fault(fault, method, path, details)
            return
        if settings['mode'] == 'down':
            self.close_connection = True
            details['outcome'] = 'down'
            fake.record(details)
            log(f'{fake.name} {self.client_address[0]} {method} {path} -> connection closed (mode down)')
            return
        try:
            body = self.read_body(optional=True)
            reply = self.answer(method, path, body, settings, details)
        except ServiceError as error:
            reply = self.error_reply(error, details['request_id'])
        if settings['mode'] == 'slow':
            reply = dataclasses.replace(reply, delay=SLOW_SECONDS)
        details.update(status=reply.status, outcome=reply.outcome)
        fake.record(details)
        sent = self.send_reply(reply, details['request_id'])
        action = f" {details['action']}" if details['action'] else ''
        log(f'{fake.name} {self.client_address[0]} {method} {path}{action} -> {reply.status} {reply.outcome}'
            f'{"" if sent else " (client disconnected)"} {(time.monotonic() - started) * 1000:.0f}ms')

    def injected_fault(self, fault, method, path, details):
        """Answer one request as fault (a fail_with value) says; journaled with outcome 'injected:<fault>'."""
        fake = self.server.standin
        details['outcome'] = f'injected:{fault}'
        if method == 'POST':
            try:
                details['action'] = awsfake.lenient_params(self.read_body(optional=True)).get('Action')
            except ServiceError:
                pass
        if fault in ('down', 'hang'):
            fake.record(details)
            if fault == 'hang':
                self.client_left_within(HANG_SECONDS)
            self.close_connection = True
            log(f'{fake.name} {self.client_address[0]} {method} {path} -> no reply (injected {fault})')
            return
        if fault.startswith('http-'):
            error = ServiceError('InjectedFault', f'Injected HTTP {fault[5:]}.', int(fault[5:]))
        else:
            error = ServiceError(fault, f'Injected {fault}.', FAULT_STATUS.get(fault, 400)
                                 if fake.name == 'sts' else 500)
        reply = self.error_reply(error, details['request_id'])
        details['status'] = reply.status
        fake.record(details)
        self.send_reply(reply, details['request_id'])
        log(f'{fake.name} {self.client_address[0]} {method} {path} -> {reply.status} (injected {fault})')

    def issue_reply(self, settings, details, render):
        """The reply to a valid credentials request as the mode has it (error, not-json, malformed).

        render(issued, complete) -> Reply; complete=False leaves the secret out (mode malformed).
        """
        mode = settings['mode']
        if mode == 'error':
            raise self.mode_error()
        if mode == 'not-json':
            return Reply(200, NOT_JSON, outcome='not-json', content_type='text/html')
        issued = self.server.standin.issuer.issue(settings['lifetime_seconds'])
        if mode == 'malformed':
            return dataclasses.replace(render(issued, False), outcome='malformed')
        details['issued_akid'] = issued.access_key
        return render(issued, True)

    def mode_error(self):
        return ServiceError('InternalServerError', 'Injected error (mode "error").', 500)

    # -- control API -----------------------------------------------------------------------------

    def handle_control(self, method, path):
        fake = self.server.standin
        routes = {
            ('GET', 'stats'): lambda body, query: fake.stats(),
            ('GET', 'config'): lambda body, query: fake.settings(),
            ('POST', 'config'): lambda body, query: fake.configure(awsfake.json_body(body)),
            ('POST', 'reset'): lambda body, query: fake.reset() or {'reset': True},
        }
        awsfake.serve_control(self, method, self.path,
                              {(verb, CONTROL_PREFIX + name): route for (verb, name), route in routes.items()},
                              log_prefix=f'{fake.name} ')


def json_reply(status, document, outcome='ok'):
    return Reply(status, (json.dumps(document, indent=2) + '\n').encode(), outcome=outcome,
                 content_type='application/json')


# ------------------------------------------------------------------------------------------------
# IMDS

def imds_credentials_reply(issued, complete):
    document = {'Code': 'Success', 'LastUpdated': aws_time(utcnow()), 'Type': 'AWS-HMAC',
                'AccessKeyId': issued.access_key, 'SecretAccessKey': issued.secret, 'Token': issued.token,
                'Expiration': issued.expiration}
    if not complete:
        del document['SecretAccessKey']
    return json_reply(200, document)


class ImdsHandler(FakeHandler):

    def answer(self, method, path, body, settings, details):
        fake = self.server.standin
        if (method, path) == ('PUT', IMDS_TOKEN_PATH):
            token = fake.new_token(self.token_ttl())
            return Reply(200, token.encode(), content_type='text/plain',
                         headers=((IMDS_TTL_HEADER, self.headers[IMDS_TTL_HEADER]),))
        if method != 'GET':
            raise ServiceError('MethodNotAllowed', 'Method Not Allowed', 405)
        if not fake.token_valid(self.headers.get('X-aws-ec2-metadata-token')):
            raise ServiceError('Unauthorized', 'Unauthorized', 401)
        if path == IMDS_ROLES_PATH:
            return Reply(200, TEST_ROLE.encode(), content_type='text/plain')
        if path != IMDS_ROLES_PATH + TEST_ROLE:
            raise ServiceError('NotFound', 'Not Found', 404)
        return self.issue_reply(settings, details, imds_credentials_reply)

    def token_ttl(self):
        value = self.headers.get(IMDS_TTL_HEADER, '')
        if not value.isdigit() or not 1 <= int(value) <= IMDS_MAX_TTL:
            raise ServiceError('BadRequest', f'{IMDS_TTL_HEADER} must be 1..{IMDS_MAX_TTL}.', 400)
        return int(value)

    def error_reply(self, error, request_id):
        return Reply(error.status, f'{error.message}\n'.encode(), outcome=error.code, content_type='text/plain')


# ------------------------------------------------------------------------------------------------
# Container credentials (ECS / EKS)

def container_credentials_reply(issued, complete):
    document = {'AccessKeyId': issued.access_key, 'SecretAccessKey': issued.secret, 'Token': issued.token,
                'Expiration': issued.expiration, 'RoleArn': TEST_ROLE_ARN}
    if not complete:
        del document['SecretAccessKey']
    return json_reply(200, document)


class ContainerHandler(FakeHandler):

    def answer(self, method, path, body, settings, details):
        if method != 'GET':
            raise ServiceError('MethodNotAllowed', f'{method} is not allowed.', 405)
        if path != settings['credentials_path'] and not CONTAINER_PATH_RE.fullmatch(path):
            raise ServiceError('NotFound', f'No credentials at {path}.', 404)
        expected = settings['auth_token']
        given = self.headers.get('Authorization', '')
        if expected is not None and not hmac.compare_digest(given.encode(), expected.encode()):
            raise ServiceError('Unauthorized', 'The Authorization header is missing or wrong.', 401)
        return self.issue_reply(settings, details, container_credentials_reply)

    def error_reply(self, error, request_id):
        return json_reply(error.status, {'code': error.code, 'message': error.message}, outcome=error.code)


# ------------------------------------------------------------------------------------------------
# STS

def validation_error(member, constraint):
    return ServiceError('ValidationError', f"1 validation error detected: Value at '{member}' failed to "
                                           f'satisfy constraint: {constraint}')


def check_role_params(params):
    """RoleArn, RoleSessionName and DurationSeconds of both actions -> DurationSeconds or None."""
    if not ROLE_ARN_RE.fullmatch(params.get('RoleArn', '')):
        raise validation_error('roleArn', f'Member must satisfy regular expression pattern: {ROLE_ARN_RE.pattern}')
    if not SESSION_NAME_RE.fullmatch(params.get('RoleSessionName', '')):
        raise validation_error('roleSessionName', 'Member must have length 2..64 and match [\\w+=,.@-]*')
    duration = params.get('DurationSeconds')
    if duration is None:
        return None
    if not duration.isdigit() or int(duration) not in DURATION_RANGE:
        raise validation_error('durationSeconds', 'Member must be between 900 and 43200')
    return int(duration)


def lifetime(settings, duration):
    """The configured lifetime is the role's session limit; a shorter DurationSeconds shortens it."""
    return min(settings['lifetime_seconds'], duration or settings['lifetime_seconds'])


def assumed_role_user(role_arn, session_name):
    role_name = role_arn.rsplit('/', 1)[1]
    role_id = 'AROA' + hashlib.sha256(role_arn.encode()).hexdigest()[:17].upper()
    return (f'arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/{session_name}', f'{role_id}:{session_name}')


def access_denied(action, role_arn):
    return ServiceError('AccessDenied', f'Not authorized to perform sts:{action} on resource: {role_arn}')


def check_assume_role(params):
    """The role must not be the denied one; roles named needs-external-id want the ExternalId."""
    role_arn = params['RoleArn']
    needs_external_id = role_arn.endswith(EXTERNAL_ID_ROLE_SUFFIX)
    if role_arn == DENIED_ROLE_ARN or (needs_external_id and params.get('ExternalId') != EXTERNAL_ID):
        raise access_denied('AssumeRole', role_arn)


def check_web_identity(params, expected_token):
    token = params.get('WebIdentityToken')
    if not token:
        raise validation_error('webIdentityToken', 'Member must not be null')
    if not hmac.compare_digest(token.encode(), expected_token.encode()):
        raise ServiceError('InvalidIdentityToken', 'The web identity token that was passed could not be '
                                                   'validated by AWS. Get a new identity token and retry.')
    if params['RoleArn'] == DENIED_ROLE_ARN:
        raise access_denied('AssumeRoleWithWebIdentity', params['RoleArn'])


def sts_credentials_reply(action, params, request_id, issued, complete):
    """<action>Response for valid params; without Credentials unless complete."""
    root, result = awsfake.response_tree(action, request_id, STS_NAMESPACE)
    if complete:
        credentials = ET.SubElement(result, 'Credentials')
        for name, value in (('AccessKeyId', issued.access_key), ('SecretAccessKey', issued.secret),
                            ('SessionToken', issued.token), ('Expiration', issued.expiration)):
            ET.SubElement(credentials, name).text = value
    web_identity = action == 'AssumeRoleWithWebIdentity'
    if web_identity:
        ET.SubElement(result, 'SubjectFromWebIdentityToken').text = WEB_IDENTITY_SUBJECT
    arn, role_id = assumed_role_user(params['RoleArn'], params['RoleSessionName'])
    user = ET.SubElement(result, 'AssumedRoleUser')
    ET.SubElement(user, 'AssumedRoleId').text = role_id
    ET.SubElement(user, 'Arn').text = arn
    if web_identity:
        ET.SubElement(result, 'Provider').text = WEB_IDENTITY_PROVIDER
        ET.SubElement(result, 'Audience').text = WEB_IDENTITY_AUDIENCE
    return Reply(200, awsfake.serialize(root))


class StsHandler(FakeHandler):
    ACTIONS = {'AssumeRole': True, 'AssumeRoleWithWebIdentity': False}   # action -> must be signed

    def answer(self, method, path, body, settings, details):
        if (method, path) != ('POST', '/'):
            raise ServiceError('InvalidAction', f'{method} {path} is not served; use POST /.', 404)
        params = awsfake.lenient_params(body)
        action = params.get('Action')
        details.update(action=action, role_arn=params.get('RoleArn'),
                       role_session_name=params.get('RoleSessionName'), external_id='ExternalId' in params)
        if action not in self.ACTIONS or params.get('Version') != STS_VERSION:
            raise ServiceError('InvalidAction', f"Could not find operation {action} for version "
                                                f"{params.get('Version')}")
        if self.ACTIONS[action]:
            header_pairs = self.headers.items()
            details['source_akid'] = awsfake.claimed_scope(header_pairs).access_key
            awsfake.verify_sigv4('POST', self.path, header_pairs, body, utcnow(),
                                     STS_MAX_SKEW_SECONDS, service='sts')
        self.check_content_type()
        params = awsfake.parse_form(body)
        duration = check_role_params(params)
        if action == 'AssumeRole':
            check_assume_role(params)
        else:
            check_web_identity(params, settings['web_identity_token'])
        render = functools.partial(sts_credentials_reply, action, params, details['request_id'])
        return self.issue_reply(dict(settings, lifetime_seconds=lifetime(settings, duration)), details, render)

    def mode_error(self):
        return ServiceError('InvalidParameterValue', 'Injected error (mode "error").')

    def error_reply(self, error, request_id):
        return awsfake.error_reply(error, request_id, STS_NAMESPACE)


# ------------------------------------------------------------------------------------------------
# SSO portal (GetRoleCredentials; the API reference, botocore's data/sso/2019-06-10/service-2.json)

SSO_PATH = '/federation/credentials'
SSO_TOKEN_HEADER = 'x-amz-sso_bearer_token'
SSO_ACCOUNT_RE = re.compile(r'\d{12}', re.ASCII)
SSO_ROLE_RE = re.compile(r'[\w+=,.@-]{1,64}', re.ASCII)


def sso_credentials_reply(issued, complete):
    """roleCredentials as the portal sends them: expiration in milliseconds since 1970."""
    expiration = datetime.datetime.strptime(issued.expiration, '%Y-%m-%dT%H:%M:%SZ')
    millis = int(expiration.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
    role = {'accessKeyId': issued.access_key, 'secretAccessKey': issued.secret,
            'sessionToken': issued.token, 'expiration': millis}
    if not complete:
        del role['secretAccessKey']
    return json_reply(200, {'roleCredentials': role})


def sso_token_expired(expires_at):
    moment = datetime.datetime.fromisoformat(expires_at.replace('Z', '+00:00'))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment <= datetime.datetime.now(datetime.timezone.utc)


class SsoHandler(FakeHandler):

    def answer(self, method, path, body, settings, details):
        if (method, path) != ('GET', SSO_PATH):
            raise ServiceError('NotFound', f'{method} {path} is not served; use GET {SSO_PATH}.', 404)
        query = parse_qs(urlsplit(self.path).query)
        role = query.get('role_name', [''])[0]
        account = query.get('account_id', [''])[0]
        details.update(action='GetRoleCredentials', role_arn=f'arn:aws:iam::{account}:role/{role}')
        token = self.headers.get(SSO_TOKEN_HEADER, '')
        expires_at = next((e for t, e in settings['tokens'].items()
                           if hmac.compare_digest(t.encode(), token.encode())), None)
        if not token or expires_at is None or sso_token_expired(expires_at):
            raise ServiceError('UnauthorizedException', 'Session token not found or invalid', 401)
        if not SSO_ACCOUNT_RE.fullmatch(account) or not SSO_ROLE_RE.fullmatch(role):
            raise ServiceError('InvalidRequestException', 'role_name and account_id are required.', 400)
        return self.issue_reply(settings, details, sso_credentials_reply)

    def error_reply(self, error, request_id):
        reply = json_reply(error.status, {'message': error.message}, outcome=error.code)
        return dataclasses.replace(reply, headers=(('x-amzn-ErrorType', error.code),))


# ------------------------------------------------------------------------------------------------
# main

def parse_args(argv):
    parser = argparse.ArgumentParser(description='Fake IMDS, container-credentials, STS and SSO servers (tests only).')
    parser.add_argument('--state-dir', required=True, help='directory for credentials-journal.jsonl')
    parser.add_argument('--cert', required=True, help='server certificate for STS (PEM)')
    parser.add_argument('--key', required=True, help='server private key for STS (PEM)')
    parser.add_argument('--ready-file', help='written (atomically) with the ports as JSON once listening')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    journal = Journal(args.state_dir)
    issuer = Issuer()
    tls = awsfake.server_tls_context(args.cert, args.key)
    servers = {
        'imds': awsfake.AwsFakeServer(HOST, 0, None, ImdsFake('imds', issuer, journal), ImdsHandler),
        'imds6': awsfake.AwsFakeServer(HOST6, 0, None, ImdsFake('imds6', issuer, journal), ImdsHandler),
        'container': awsfake.AwsFakeServer(HOST, 0, None, Fake('container', issuer, journal), ContainerHandler),
        'sts': awsfake.AwsFakeServer(HOST, 0, tls, Fake('sts', issuer, journal), StsHandler),
        'sso': awsfake.AwsFakeServer(HOST, 0, tls, Fake('sso', issuer, journal), SsoHandler),
    }
    ports = {name: server.server_address[1] for name, server in servers.items()}

    def started():
        if args.ready_file:
            awsfake.write_ready_file(args.ready_file, json.dumps(ports) + '\n')
        log(f"listening: imds http://{HOST}:{ports['imds']}/ container http://{HOST}:{ports['container']}/ "
            f"sts https://{HOST}:{ports['sts']}/ imds6 http://[{HOST6}]:{ports['imds6']}/ "
            f"sso https://{HOST}:{ports['sso']}/ (pid {os.getpid()})")
    awsfake.serve_until_signalled(list(servers.values()), started)
    journal.close()
    log('stopped')
    return 0


if __name__ == '__main__':
    sys.exit(main())
