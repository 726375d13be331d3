/*
 * Preloaded into linux.uml (LD_PRELOAD) by ipvlab's uml engine.
 *
 * User-Mode Linux restores each of its processes' FPU state with
 * PTRACE_SETREGSET(NT_X86_XSTATE) and a buffer of a fixed size (6.1:
 * sizeof(struct _xstate)). Where the CPU's extended state is larger than that
 * and has dynamic parts (Intel AMX tile data), the host kernel refuses a
 * write of anything but its full size with EFAULT, and UML panics at its first
 * process ("ptrace set fp regs failed, errno = 14"). This performs that one
 * request with a buffer of the host's size: the tracee's current state read
 * first, UML's part copied over its start. Every other call, and every call on
 * a CPU where UML's buffer is big enough, goes through unchanged.
 *
 * IPVLAB_XSTATE_FIX=force takes the long way on every write, so the path can
 * be tested on any machine. The first time the fix acts it says so on the
 * console ("@@ipvlab xstate-fix UML_SIZE HOST_SIZE"), where ipvlab reads it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define NT_X86_XSTATE 0x202
/* Larger than any x86 xstate so far (AMX: about 11 KiB). */
#define XSTATE_MAX (64 * 1024)

typedef long (*ptrace_fn)(enum __ptrace_request, ...);

static unsigned char host_state[XSTATE_MAX] __attribute__((aligned(64)));
static size_t host_size;
static int announced;

static ptrace_fn real_ptrace(void) {
  static ptrace_fn real;
  if (!real) real = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");
  return real;
}

static void announce(size_t uml_size, int force) {
  char line[96];
  int n;
  if (announced || (uml_size >= host_size && !force)) return;
  announced = 1;
  n = snprintf(line, sizeof line, "@@ipvlab xstate-fix %zu %zu\n", uml_size, host_size);
  if (n > 0) (void)!write(1, line, (size_t)n);
}

/* The tracee's state at the host's full size, UML's first bytes over it (no more than the host has); -1 when it cannot be read. */
static long set_full_xstate(pid_t pid, const struct iovec *uml, int force) {
  struct iovec whole = {host_state, sizeof host_state};
  ptrace_fn real = real_ptrace();
  if (real(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE, &whole) != 0) return -1;
  host_size = whole.iov_len;
  memcpy(host_state, uml->iov_base, uml->iov_len < whole.iov_len ? uml->iov_len : whole.iov_len);
  announce(uml->iov_len, force);
  return real(PTRACE_SETREGSET, pid, (void *)NT_X86_XSTATE, &whole);
}

long ptrace(enum __ptrace_request request, ...) {
  va_list ap;
  pid_t pid;
  void *addr, *data;
  static int force = -1;
  va_start(ap, request);
  pid = va_arg(ap, pid_t);
  addr = va_arg(ap, void *);
  data = va_arg(ap, void *);
  va_end(ap);
  if (force < 0) force = getenv("IPVLAB_XSTATE_FIX") && strcmp(getenv("IPVLAB_XSTATE_FIX"), "force") == 0;
  if (request == PTRACE_SETREGSET && (long)addr == NT_X86_XSTATE && data) {
    const struct iovec *uml = data;
    /* The host's size is learnt from the first write; a buffer that big needs nothing done. */
    if (force || host_size == 0 || uml->iov_len < host_size) {
      long r = set_full_xstate(pid, uml, force);
      if (r == 0 || force) return r;
    }
  }
  return real_ptrace()(request, pid, addr, data);
}
