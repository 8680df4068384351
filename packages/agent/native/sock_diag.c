// The socket table of a network namespace straight from the kernel's netlink sock_diag, as `ss -tuanie`
// reads it, but into fixed-size binary records instead of text: TCP and UDP, IPv4 and IPv6, every state
// but TIME-WAIT, with each socket's inode, uid and, for TCP, tcp_info's byte counters. On a host with ten
// thousand sockets this is a few milliseconds and no text to parse, where ss writes and the agent parses
// about six megabytes every poll.
//
// dump([netnsPath]) returns a Buffer of 64-byte records (layout below, little-endian where it matters):
//   0 u8 family (4 or 6)      1 u8 protocol (6 TCP, 17 UDP)   2 u8 state (TCP_* numbering)   3 u8 flags
//   4 u16 local port          6 u16 remote port
//   8 16 bytes local address  24 16 bytes remote address (IPv4 in the first 4 bytes)
//  40 u32 inode              44 u32 uid
//  48 u64 bytes sent         56 u64 bytes received
// flags: 1 = the byte counters are known, 2 = an IPv6 socket that takes IPv6 only (v6only).
// With netnsPath (e.g. /proc/PID/ns/net), the netlink socket is opened inside that namespace: the calling
// thread enters it for the socket() call only and returns to its own at once.

#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <node_api.h>
#include <netinet/in.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RECORD_BYTES 64
#define TCP_TIME_WAIT_STATE 6

typedef struct {
  uint8_t *data;
  size_t length;
  size_t capacity;
} records_t;

static int grow(records_t *records) {
  if (records->length + RECORD_BYTES <= records->capacity) return 0;
  size_t capacity = records->capacity == 0 ? 256 * RECORD_BYTES : records->capacity * 2;
  uint8_t *data = realloc(records->data, capacity);
  if (data == NULL) return -1;
  records->data = data;
  records->capacity = capacity;
  return 0;
}

static void put_u16(uint8_t *at, uint16_t v) { memcpy(at, &v, sizeof v); }
static void put_u32(uint8_t *at, uint32_t v) { memcpy(at, &v, sizeof v); }
static void put_u64(uint8_t *at, uint64_t v) { memcpy(at, &v, sizeof v); }

static void add_record(records_t *records, uint8_t protocol, struct inet_diag_msg *msg, int length) {
  if (grow(records) != 0) return;
  uint8_t *r = records->data + records->length;
  memset(r, 0, RECORD_BYTES);
  r[0] = msg->idiag_family == AF_INET6 ? 6 : 4;
  r[1] = protocol;
  r[2] = msg->idiag_state;
  put_u16(r + 4, ntohs(msg->id.idiag_sport));
  put_u16(r + 6, ntohs(msg->id.idiag_dport));
  memcpy(r + 8, msg->id.idiag_src, msg->idiag_family == AF_INET6 ? 16 : 4);
  memcpy(r + 24, msg->id.idiag_dst, msg->idiag_family == AF_INET6 ? 16 : 4);
  put_u32(r + 40, msg->idiag_inode);
  put_u32(r + 44, msg->idiag_uid);

  int attributes = length - NLMSG_LENGTH(sizeof(*msg));
  for (struct rtattr *a = (struct rtattr *)(msg + 1); RTA_OK(a, attributes); a = RTA_NEXT(a, attributes)) {
    if (a->rta_type == INET_DIAG_INFO && protocol == IPPROTO_TCP) {
      struct tcp_info info;
      size_t have = RTA_PAYLOAD(a);
      memset(&info, 0, sizeof info);
      memcpy(&info, RTA_DATA(a), have < sizeof info ? have : sizeof info);
      // Older kernels send a shorter tcp_info: the counters are known only if the kernel sent them.
      if (have >= offsetof(struct tcp_info, tcpi_bytes_sent) + sizeof info.tcpi_bytes_sent) {
        put_u64(r + 48, info.tcpi_bytes_sent);
        put_u64(r + 56, info.tcpi_bytes_received);
        r[3] |= 1;
      }
    } else if (a->rta_type == INET_DIAG_SKV6ONLY && RTA_PAYLOAD(a) >= 1) {
      if (*(uint8_t *)RTA_DATA(a) != 0) r[3] |= 2;
    }
  }
  records->length += RECORD_BYTES;
}

/** Sends one sock_diag request to the kernel; 0, or an errno. */
static int send_request(int fd, uint16_t flags, const struct inet_diag_req_v2 *request) {
  struct {
    struct nlmsghdr header;
    struct inet_diag_req_v2 request;
  } message;
  memset(&message, 0, sizeof message);
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = flags;
  message.request = *request;
  struct sockaddr_nl kernel;
  memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  return sendto(fd, &message, sizeof message, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0 ? errno : 0;
}

/** One dump request (a family and a protocol) and its answer; 0, or an errno. */
static int dump_one(int fd, uint8_t family, uint8_t protocol, records_t *records) {
  struct inet_diag_req_v2 request;
  memset(&request, 0, sizeof request);
  request.sdiag_family = family;
  request.sdiag_protocol = protocol;
  request.idiag_states = ~(1u << TCP_TIME_WAIT_STATE);
  if (protocol == IPPROTO_TCP) request.idiag_ext = 1 << (INET_DIAG_INFO - 1);
  int error = send_request(fd, NLM_F_REQUEST | NLM_F_DUMP, &request);
  if (error != 0) return error;

  static uint8_t buffer[65536];
  for (;;) {
    ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    int remaining = (int)got;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, remaining); h = NLMSG_NEXT(h, remaining)) {
      if (h->nlmsg_type == NLMSG_DONE) return 0;
      if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *error = NLMSG_DATA(h);
        // A protocol the kernel has no diag module for (udp_diag not loaded) answers ENOENT: no sockets.
        return error->error == -ENOENT ? 0 : -error->error;
      }
      add_record(records, protocol, NLMSG_DATA(h), (int)h->nlmsg_len);
    }
  }
}

/** A netlink socket in the namespace at `path`, or in this thread's own for NULL; -1 with errno set. */
static int open_diag_socket(const char *path) {
  if (path == NULL) return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  int own = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (own < 0) return -1;
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    int saved = errno;
    close(own);
    errno = saved;
    return -1;
  }
  int fd = -1;
  if (setns(target, CLONE_NEWNET) == 0) {
    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    int saved = errno;
    // Back to this thread's own namespace whatever happened; the socket stays in the other one.
    if (setns(own, CLONE_NEWNET) != 0) abort();
    errno = saved;
  }
  int saved = errno;
  close(target);
  close(own);
  errno = saved;
  return fd;
}

static napi_value throw_errno(napi_env env, const char *what, int error) {
  char message[800];
  snprintf(message, sizeof message, "%s: %s", what, strerror(error));
  napi_throw_error(env, NULL, message);
  return NULL;
}

static napi_value dump(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[512];
  const char *ns = NULL;
  if (argc >= 1) {
    napi_valuetype type;
    napi_typeof(env, argv[0], &type);
    if (type == napi_string) {
      size_t length = 0;
      napi_get_value_string_utf8(env, argv[0], path, sizeof path, &length);
      ns = path;
    }
  }
  int fd = open_diag_socket(ns);
  if (fd < 0) return throw_errno(env, ns == NULL ? "netlink sock_diag" : ns, errno);

  records_t records = {NULL, 0, 0};
  const uint8_t families[] = {AF_INET, AF_INET6};
  const uint8_t protocols[] = {IPPROTO_TCP, IPPROTO_UDP};
  int error = 0;
  for (int f = 0; f < 2 && error == 0; f++)
    for (int p = 0; p < 2 && error == 0; p++) error = dump_one(fd, families[f], protocols[p], &records);
  close(fd);
  if (error != 0) {
    free(records.data);
    return throw_errno(env, "sock_diag dump", error);
  }
  napi_value result;
  void *copy;
  napi_status status = napi_create_buffer_copy(env, records.length, records.length == 0 ? "" : (void *)records.data,
                                               &copy, &result);
  free(records.data);
  if (status != napi_ok) {
    napi_throw_error(env, NULL, "cannot allocate the socket table");
    return NULL;
  }
  return result;
}

/**
 * inodeOf(protocol, local, localPort, remote, remotePort): the inode of one socket, found by the kernel from
 * its addresses (Buffers of 4 or 16 bytes) and ports without a dump; 0 when no such socket exists (any
 * more). This is what lets the agent name the process of a connection that lives a few milliseconds.
 */
static napi_value inode_of(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "inodeOf(protocol, local, localPort, remote, remotePort)");
    return NULL;
  }
  uint32_t protocol = 0, local_port = 0, remote_port = 0;
  void *local = NULL, *remote = NULL;
  size_t local_length = 0, remote_length = 0;
  if (napi_get_value_uint32(env, argv[0], &protocol) != napi_ok ||
      napi_get_buffer_info(env, argv[1], &local, &local_length) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &local_port) != napi_ok ||
      napi_get_buffer_info(env, argv[3], &remote, &remote_length) != napi_ok ||
      napi_get_value_uint32(env, argv[4], &remote_port) != napi_ok || local_length != remote_length ||
      (local_length != 4 && local_length != 16)) {
    napi_throw_type_error(env, NULL, "inodeOf: a protocol number, two addresses of 4 or 16 bytes and two ports");
    return NULL;
  }
  int fd = open_diag_socket(NULL);
  if (fd < 0) return throw_errno(env, "netlink sock_diag", errno);

  struct inet_diag_req_v2 request;
  memset(&request, 0, sizeof request);
  request.sdiag_family = local_length == 16 ? AF_INET6 : AF_INET;
  request.sdiag_protocol = (uint8_t)protocol;
  request.idiag_states = ~0u;
  request.id.idiag_sport = htons((uint16_t)local_port);
  request.id.idiag_dport = htons((uint16_t)remote_port);
  memcpy(request.id.idiag_src, local, local_length);
  memcpy(request.id.idiag_dst, remote, remote_length);
  request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

  uint32_t inode = 0;
  // Without NLM_F_DUMP the kernel looks the one socket up.
  if (send_request(fd, NLM_F_REQUEST, &request) == 0) {
    uint8_t buffer[8192];
    ssize_t got;
    do got = recv(fd, buffer, sizeof buffer, 0);
    while (got < 0 && errno == EINTR);
    int remaining = (int)got;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; got > 0 && NLMSG_OK(h, remaining);
         h = NLMSG_NEXT(h, remaining)) {
      // An error (ENOENT: no such socket) leaves the answer at 0.
      if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
        inode = ((struct inet_diag_msg *)NLMSG_DATA(h))->idiag_inode;
        break;
      }
    }
  }
  close(fd);
  napi_value result;
  napi_create_uint32(env, inode, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  // Each dump is a few hundred kB, allocated and freed every poll. glibc raises its mmap threshold past
  // the first such block it frees, after which they come from the heap and fragment it: an agent's
  // resident memory crept up by megabytes. A fixed threshold keeps them mmapped, returned when freed.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  napi_value fn;
  napi_create_function(env, "dump", NAPI_AUTO_LENGTH, dump, NULL, &fn);
  napi_set_named_property(env, exports, "dump", fn);
  napi_create_function(env, "inodeOf", NAPI_AUTO_LENGTH, inode_of, NULL, &fn);
  napi_set_named_property(env, exports, "inodeOf", fn);
  return exports;
}

NAPI_MODULE(sock_diag, init)
