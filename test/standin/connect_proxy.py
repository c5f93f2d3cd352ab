#!/usr/bin/python3
"""connect_proxy.py -- a loopback HTTP proxy that logs what goes through it, for the rds_copy tests.

  connect_proxy.py --log F [--ready-file F]

Listens on 127.0.0.1 on a port the OS picks and, once it listens, writes the port to the ready file
(atomic rename). It serves the two kinds of proxy request a client sends:

  CONNECT host:port HTTP/1.1      a tunnel (what a client does for an https:// URL): 200, then bytes
                                  both ways until either side closes
  GET http://host:port/path ...   forwarding (what a client does for an http:// URL): the request is
                                  sent on to host:port in origin form, the reply relayed back

Only targets on 127.0.0.1 are served (anything else: 403), so a test can never reach further.
Every request appends one JSON line {"method": ..., "target": "host:port", "status": ...} to the log
file: the tests read it to see which requests went through a proxy. Nothing else is logged (a
forwarded request's headers may hold a token). SIGTERM or SIGINT: exit 0.
"""

import argparse
import json
import os
import select
import signal
import socket
import socketserver
import sys
import threading
from urllib.parse import urlsplit

LOG_LOCK = threading.Lock()
MAX_HEAD = 64 * 1024


def log_request(path, method, target, status):
    with LOG_LOCK, open(path, 'a', encoding='utf-8') as f:
        f.write(json.dumps({'method': method, 'target': target, 'status': status}) + '\n')


def relay(a, b):
    """Copy bytes both ways between sockets a and b until one side closes."""
    sockets = [a, b]
    while True:
        readable, _, _ = select.select(sockets, [], [], 60)
        if not readable:
            return
        for s in readable:
            try:
                data = s.recv(65536)
            except OSError:
                return
            if not data:
                return
            try:
                (b if s is a else a).sendall(data)
            except OSError:
                return


class Handler(socketserver.BaseRequestHandler):
    def read_head(self):
        head = b''
        while b'\r\n\r\n' not in head:
            chunk = self.request.recv(4096)
            if not chunk:
                return None, b''
            head += chunk
            if len(head) > MAX_HEAD:
                return None, b''
        end = head.index(b'\r\n\r\n') + 4
        return head[:end], head[end:]

    def handle(self):
        head, rest = self.read_head()
        if head is None:
            return
        lines = head.decode('latin-1').split('\r\n')
        try:
            method, target, version = lines[0].split(' ')
        except ValueError:
            self.request.sendall(b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')
            return
        if method == 'CONNECT':
            hostport = target
            path = None
        else:
            parts = urlsplit(target)
            hostport = parts.netloc
            path = (parts.path or '/') + ('?' + parts.query if parts.query else '')
        host, _, port = hostport.rpartition(':')
        if host != '127.0.0.1' or not port.isdigit():
            log_request(self.server.log_path, method, hostport, 403)
            self.request.sendall(b'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n')
            return
        try:
            upstream = socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            log_request(self.server.log_path, method, hostport, 502)
            self.request.sendall(b'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n')
            return
        log_request(self.server.log_path, method, hostport, 200)
        with upstream:
            if method == 'CONNECT':
                self.request.sendall(b'HTTP/1.1 200 Connection established\r\n\r\n')
                if rest:
                    upstream.sendall(rest)
            else:
                kept = [ln for ln in lines[1:] if ln and not ln.lower().startswith('proxy-')]
                request = f'{method} {path} {version}\r\n' + ''.join(ln + '\r\n' for ln in kept) + '\r\n'
                upstream.sendall(request.encode('latin-1') + rest)
            relay(self.request, upstream)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--log', required=True)
    parser.add_argument('--ready-file')
    args = parser.parse_args(argv)
    server = Server(('127.0.0.1', 0), Handler)
    server.log_path = args.log
    open(args.log, 'a', encoding='utf-8').close()
    if args.ready_file:
        tmp = args.ready_file + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(str(server.server_address[1]))
        os.rename(tmp, args.ready_file)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
