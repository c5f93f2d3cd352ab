#!/usr/bin/python3
"""Generate SigV4 cross-check vectors with botocore's own signer.

Usage: gen_sigv4_vectors.py OUTFILE [COUNT]

Run with Debian's /usr/bin/python3 and Debian's python3-botocore (1.29.x,
/usr/lib/python3/dist-packages) -- not a pyenv/pip Python, boto3 or moto.
With a fixed random seed it makes COUNT (default 300) requests shaped like
the extension's CopyDBClusterSnapshot calls (plus some arbitrary parameter
lists): random identifiers, KMS keys and tags with odd ASCII, spaces, '+',
'%', '&', '=', '/', 2-, 3- and 4-byte UTF-8, random regions and hosts
(host:port, IPv6), with and without session tokens, at random times.  For
each it computes, with botocore.awsrequest.AWSRequest and
botocore.auth.SigV4Auth / SigV4QueryAuth under a frozen clock, exactly as
botocore's inject_presigned_url_rds does:

  url   the pre-signed GET URL of params + DestinationRegion=<client region>,
        signed for the source region (SigV4QueryAuth, expires mostly 3600)
  body  the form-encoded POST body: params (+ PreSignedUrl=url for most)
  auth  the Authorization header of that POST (SigV4Auth)

and writes them to OUTFILE for test_sigv4_crosscheck.c.  File format, one
field per line, "key value" (values of free text are hex: "x" + hex bytes,
so "x" alone is the empty string):

  begin N             start of vector N (1-based)
  now SECONDS         unix time of both signatures
  ak|sk|token xHEX    credentials (no token line: no session token)
  region R            client (signing) region of the POST; DestinationRegion
  service S           signing name of both requests
  scheme S / host H   POST endpoint; H is the Host value botocore signed
  ctype xHEX          Content-Type of the POST
  presign_region R    signing region of the pre-signed URL
  presign_scheme S / presign_host H
  expires N           X-Amz-Expires
  param xNAME xVALUE  the operation parameters, in order (repeated)
  with_presigned 0|1  whether the body carries PreSignedUrl=url
  url / body / amz_date / auth   expected outputs, verbatim (ASCII)
  end
  count N             last line: number of vectors
"""

import datetime
import random
import sys
import types
from urllib.parse import urlsplit

SEED = 20150830
DEFAULT_COUNT = 300

try:
    import botocore
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as e:  # pragma: no cover
    sys.exit("gen_sigv4_vectors.py: cannot import botocore (%s); install "
             "Debian's python3-botocore and run with /usr/bin/python3" % e)

FORM_CT = 'application/x-www-form-urlencoded; charset=utf-8'


# ---- a frozen clock for botocore.auth --------------------------------------

class _Clock:
    now = datetime.datetime(2015, 8, 30, 12, 36, 0)


class _FrozenDatetime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return _Clock.now


def _frozen_current_datetime(remove_tzinfo=True):
    if remove_tzinfo:
        return _Clock.now
    return _Clock.now.replace(tzinfo=datetime.timezone.utc)


# Up to 1.3x (Debian 12's 1.29, Debian 13's 1.37) botocore.auth calls
# datetime.datetime.utcnow(); give it a module whose datetime class answers
# with the frozen time (strptime etc. still work).  Later releases
# (unstable's 1.4x) call botocore.compat.get_current_datetime(), imported
# into botocore.auth by name: replace that name too.  Which one a release
# uses is not assumed: _check_frozen_clock() fails the run if the signer
# still sees the real time.
botocore.auth.datetime = types.SimpleNamespace(datetime=_FrozenDatetime)
if hasattr(botocore.auth, 'get_current_datetime'):
    botocore.auth.get_current_datetime = _frozen_current_datetime


def _check_frozen_clock():
    req = AWSRequest(method='POST', url='https://rds.us-east-1.amazonaws.com/',
                     data={'Action': 'X'}, headers={})
    botocore.auth.SigV4Auth(Credentials('AKID', 'SECRET'), 'rds',
                            'us-east-1').add_auth(req)
    if req.headers['X-Amz-Date'] != '20150830T123600Z':
        sys.exit("gen_sigv4_vectors.py: botocore %s does not take the time "
                 "from the frozen clock (X-Amz-Date %s); see the top of this "
                 "file" % (botocore.__version__, req.headers['X-Amz-Date']))


# ---- random text ------------------------------------------------------------

ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
ODD = ' +%&=/?#:;,@!$\'()*[]~\\"<>{}|^`-._'
PRINTABLE = ''.join(chr(c) for c in range(0x20, 0x7f))
CONTROLS = ''.join(chr(c) for c in range(0x01, 0x20)) + '\x7f'


def rand_char(rng):
    r = rng.random()
    if r < 0.40:
        return rng.choice(ALNUM)
    if r < 0.65:
        return rng.choice(ODD)
    if r < 0.75:
        return rng.choice(PRINTABLE)
    if r < 0.78:
        return rng.choice(CONTROLS)
    if r < 0.86:                         # 2-byte UTF-8
        return chr(rng.randint(0x80, 0x7ff))
    if r < 0.94:                         # 3-byte UTF-8, no surrogates
        while True:
            c = rng.randint(0x800, 0xffff)
            if not 0xd800 <= c <= 0xdfff:
                return chr(c)
    return chr(rng.randint(0x10000, 0x10ffff))  # 4-byte UTF-8


def rand_text(rng, lo=0, hi=24):
    n = rng.randint(lo, hi)
    if rng.random() < 0.03:
        n = rng.randint(200, 1500)      # long ones cross buffer growth
    return ''.join(rand_char(rng) for _ in range(n))


def rand_from(rng, alphabet, lo, hi):
    return ''.join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def rand_ident(rng):
    """A snapshot identifier: mostly valid-looking, sometimes anything."""
    if rng.random() < 0.5:
        return rng.choice('abcdefghijklmnopqrstuvwxyz') + rand_from(
            rng, 'abcdefghijklmnopqrstuvwxyz0123456789-', 0, 40)
    return rand_text(rng, 1, 40)


REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1',
           'eu-central-1', 'eu-north-1', 'ap-southeast-2', 'ap-northeast-1',
           'sa-east-1', 'ca-central-1', 'me-south-1', 'af-south-1',
           'il-central-1', 'cn-north-1', 'cn-northwest-1', 'us-gov-west-1',
           'us-gov-east-1', 'us-iso-east-1']


def rand_region(rng):
    if rng.random() < 0.85:
        return rng.choice(REGIONS)
    return '%s-%s-%d' % (rand_from(rng, 'abcdefghijklmnopqrstuvwxyz', 2, 3),
                         rand_from(rng, 'abcdefghijklmnopqrstuvwxyz', 4, 9),
                         rng.randint(1, 12))


def rand_port(rng, scheme):
    while True:
        p = rng.choice([rng.randint(1, 65535), 9, 4566, 5000, 8080, 8443])
        # botocore drops a default port from the signed Host; the C API
        # signs the host it is given, so default ports are left out here.
        if p != {'http': 80, 'https': 443}[scheme]:
            return p


def rand_endpoint(rng, region):
    """(scheme, netloc) of the client endpoint."""
    scheme = 'https' if rng.random() < 0.8 else 'http'
    r = rng.random()
    if r < 0.45:
        host = 'rds.%s.amazonaws.com' % region
    elif r < 0.55:
        host = 'rds.%s.amazonaws.com.cn' % region
    elif r < 0.60:
        host = 'rds-fips.%s.amazonaws.com' % region
    elif r < 0.75:
        host = '127.0.0.1:%d' % rand_port(rng, scheme)
    elif r < 0.85:
        host = 'localhost:%d' % rand_port(rng, scheme)
    elif r < 0.90:
        host = '[::1]:%d' % rand_port(rng, scheme)
    else:
        host = '%s.%s.example:%d' % (
            rand_from(rng, 'abcdefghijklmnopqrstuvwxyz0123456789-', 1, 12),
            region, rand_port(rng, scheme))
    return scheme, host


def rand_time(rng):
    r = rng.random()
    if r < 0.05:
        return rng.choice([0, 1, 946684800, 951782400, 1440938160,
                           2147483647, 2147483648, 4102444800,
                           253402300799])
    if r < 0.15:
        return 1440938160  # the reference captures' time
    return rng.randint(946684800, 4102444799)  # 2000 .. 2099


def rand_credentials(rng):
    if rng.random() < 0.9:
        ak = rng.choice(['AKIA', 'ASIA']) + rand_from(
            rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 16)
    else:
        ak = rand_from(rng, ALNUM + '-_.~+=@', 1, 32)
    r = rng.random()
    if r < 0.7:
        sk = rand_from(rng, ALNUM + '+/', 40, 40)
    elif r < 0.9:
        sk = rand_from(rng, PRINTABLE, 1, 64)
    else:
        sk = rand_text(rng, 1, 40)
    token = None
    if rng.random() < 0.35:
        token = rand_from(rng, ALNUM + '+/', 16, 600) + rng.choice(
            ['', '=', '=='])
    return ak, sk, token


def rand_op_params(rng, source_region):
    """(name, value) pairs of one call, in the extension's order."""
    if rng.random() < 0.12:
        # an arbitrary list, possibly empty: exercises the signer alone
        names = set()
        params = []
        for _ in range(rng.randint(0, 8)):
            name = rand_text(rng, 1, 20)
            if name not in names and name not in (
                    'DestinationRegion', 'PreSignedUrl'):
                names.add(name)
                params.append((name, rand_text(rng)))
        return params

    params = [('Action', 'CopyDBClusterSnapshot'), ('Version', '2014-10-31')]
    ident = rand_ident(rng)
    if rng.random() < 0.7:
        ident = 'arn:aws:rds:%s:%012d:cluster-snapshot:%s' % (
            source_region, rng.randint(0, 10 ** 12 - 1), ident)
    params.append(('SourceDBClusterSnapshotIdentifier', ident))
    params.append(('TargetDBClusterSnapshotIdentifier', rand_ident(rng)))
    r = rng.random()
    if r < 0.2:
        params.append(('KmsKeyId', 'alias/' + rand_text(rng, 1, 30)))
    elif r < 0.4:
        params.append(('KmsKeyId', 'arn:aws:kms:%s:123456789012:key/%08x-'
                       '%04x-4%03x-8%03x-%012x' % (
                           rng.choice(REGIONS), rng.getrandbits(32),
                           rng.getrandbits(16), rng.getrandbits(12),
                           rng.getrandbits(12), rng.getrandbits(48))))
    elif r < 0.55:
        params.append(('KmsKeyId', rand_text(rng, 0, 40)))
    if rng.random() < 0.6:
        params.append(('CopyTags', rng.choice(['true', 'false'])))
    r = rng.random()
    if r < 0.1:
        params.append(('Tags', ''))
    elif r < 0.75:
        for i in range(1, rng.randint(1, 8) + 1):
            params.append(('Tags.Tag.%d.Key' % i, rand_text(rng, 1, 40)))
            params.append(('Tags.Tag.%d.Value' % i, rand_text(rng, 0, 60)))
    return params


# ---- botocore -------------------------------------------------------------

def sign_with_botocore(rng_case):
    c = rng_case
    creds = Credentials(c['ak'], c['sk'], c['token'])
    _Clock.now = datetime.datetime(1970, 1, 1) + datetime.timedelta(
        seconds=c['now'])

    # The pre-signed URL, as handlers._get_cross_region_presigned_url
    # builds it: a GET of the op params + DestinationRegion, to the client
    # URL with the client region replaced by the source region, signed for
    # the source region by SigV4QueryAuth.
    client_url = '%s://%s/' % (c['scheme'], c['host'])
    presign_url = client_url.replace(c['region'], c['presign_region'])
    data = dict(c['params'])
    data['DestinationRegion'] = c['region']
    req = AWSRequest(method='GET', url=presign_url, data=data, headers={})
    qauth = botocore.auth.SigV4QueryAuth(
        creds, c['service'], c['presign_region'], expires=c['expires'])
    qauth.add_auth(req)
    url = req.prepare().url
    # the same signature, recomputed step by step from the signed URL
    split = url.rsplit('&X-Amz-Signature=', 1)
    req2 = AWSRequest(method='GET', url=split[0], data={}, headers={})
    req2.context['timestamp'] = _Clock.now.strftime('%Y%m%dT%H%M%SZ')
    cr = qauth.canonical_request(req2)
    assert qauth.signature(qauth.string_to_sign(req2, cr), req2) == split[1]

    parts = urlsplit(presign_url)
    c['presign_scheme'] = parts.scheme
    c['presign_host'] = parts.netloc
    assert botocore.auth._host_from_url(presign_url) == parts.netloc

    # The outer POST.
    outer = list(c['params'])
    if c['with_presigned']:
        outer.append(('PreSignedUrl', url))
    req = AWSRequest(method='POST', url=client_url, data=dict(outer),
                     headers={'Content-Type': c['ctype']})
    auth = botocore.auth.SigV4Auth(creds, c['service'], c['region'])
    auth.add_auth(req)
    prepared = req.prepare()
    body = prepared.body or ''
    if isinstance(body, bytes):
        body = body.decode('ascii')
    assert botocore.auth._host_from_url(client_url) == c['host']
    if c['token']:
        assert req.headers['X-Amz-Security-Token'] == c['token']
    c['url'] = url
    c['body'] = body
    c['amz_date'] = req.headers['X-Amz-Date']
    c['auth'] = req.headers['Authorization']
    # the same signature, recomputed step by step (without the
    # Authorization header, which is not part of what was signed)
    sig = c['auth'].rsplit('Signature=', 1)[1]
    del req.headers['Authorization']
    assert auth.signature(auth.string_to_sign(
        req, auth.canonical_request(req)), req) == sig
    for k in ('url', 'body', 'amz_date', 'auth'):
        assert c[k].isascii() and '\n' not in c[k] and '\r' not in c[k], k


def make_case(rng):
    region = rand_region(rng)
    presign_region = region if rng.random() < 0.15 else rand_region(rng)
    scheme, host = rand_endpoint(rng, region)
    ak, sk, token = rand_credentials(rng)
    r = rng.random()
    ctype = FORM_CT if r < 0.9 else rng.choice([
        'application/x-www-form-urlencoded',
        'application/x-www-form-urlencoded; charset=UTF-8',
        'text/plain'])
    return {
        'now': rand_time(rng),
        'ak': ak, 'sk': sk, 'token': token,
        'region': region,
        'service': 'rds' if rng.random() < 0.9 else rng.choice(
            ['service', 'docdb', 'neptune-db', 'sts']),
        'scheme': scheme, 'host': host, 'ctype': ctype,
        'presign_region': presign_region,
        'expires': 3600 if rng.random() < 0.85 else rng.choice(
            [1, 60, 900, 43200, 604800, rng.randint(1, 604800)]),
        'params': rand_op_params(rng, presign_region),
        'with_presigned': rng.random() < 0.75,
    }


def hexs(s):
    b = s.encode('utf-8')
    assert b'\0' not in b
    return 'x' + b.hex()


def write_case(out, n, c):
    w = out.write
    w('begin %d\n' % n)
    w('now %d\n' % c['now'])
    w('ak %s\nsk %s\n' % (hexs(c['ak']), hexs(c['sk'])))
    if c['token'] is not None:
        w('token %s\n' % hexs(c['token']))
    w('region %s\nservice %s\n' % (c['region'], c['service']))
    w('scheme %s\nhost %s\n' % (c['scheme'], c['host']))
    w('ctype %s\n' % hexs(c['ctype']))
    w('presign_region %s\npresign_scheme %s\npresign_host %s\n' % (
        c['presign_region'], c['presign_scheme'], c['presign_host']))
    w('expires %d\n' % c['expires'])
    for name, value in c['params']:
        w('param %s %s\n' % (hexs(name), hexs(value)))
    w('with_presigned %d\n' % (1 if c['with_presigned'] else 0))
    w('url %s\nbody %s\namz_date %s\nauth %s\n' % (
        c['url'], c['body'], c['amz_date'], c['auth']))
    w('end\n')


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__.split('\n\n')[1])
    count = int(argv[2]) if len(argv) == 3 else DEFAULT_COUNT
    _check_frozen_clock()
    rng = random.Random(SEED)
    with open(argv[1], 'w', encoding='ascii', newline='\n') as out:
        out.write('# SigV4 cross-check vectors from gen_sigv4_vectors.py, '
                  'seed %d, botocore %s (%s)\n' % (
                      SEED, botocore.__version__, botocore.__file__))
        for n in range(1, count + 1):
            case = make_case(rng)
            sign_with_botocore(case)
            write_case(out, n, case)
        out.write('count %d\n' % count)


if __name__ == '__main__':
    main(sys.argv)
