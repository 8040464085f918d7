/* berth-monitor: device rules on cgroup v2, where the devices controller is an eBPF
 * program (BPF_PROG_TYPE_CGROUP_DEVICE) attached to the container's cgroup. The program
 * is runc's devicefilter: the rules are checked last to first and the first that matches
 * the access decides; nothing matching is denied. */
#include "devfilter.h"
#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>

/* The instruction encodings (the kernel's filter.h macros are not uapi). */
#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(d, s, o) INSN (BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define ALU32_IMM(op, d, i) INSN (BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define MOV32_REG(d, s) INSN (BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN (BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define JNE_IMM(d, i, o) INSN (BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define EXIT() INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Registers after the prologue: r2 device type, r3 access, r4 major, r5 minor. */
enum { R0, R1, R2, R3, R4, R5 };

static int
access_mask (const char *access)
{
  int m = 0;
  for (const char *c = access; *c; c++)
    m |= *c == 'r' ? BPF_DEVCG_ACC_READ : *c == 'w' ? BPF_DEVCG_ACC_WRITE : *c == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
  return m;
}

/* One rule's block: checks that jump past it on a mismatch, then the verdict. */
static size_t
rule_block (const struct berth_device_rule *r, struct bpf_insn *out)
{
  struct bpf_insn b[16];
  size_t n = 0;
  int mask = access_mask (r->access);
  if (r->type == 'c' || r->type == 'b')
    b[n++] = JNE_IMM (R2, r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, 0);
  if (mask != (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD))
    {
      /* every access asked for must be one the rule names */
      b[n++] = MOV32_REG (R1, R3);
      b[n++] = ALU32_IMM (BPF_AND, R1, ~mask);
      b[n++] = JNE_IMM (R1, 0, 0);
    }
  if (r->major >= 0)
    b[n++] = JNE_IMM (R4, (int32_t) r->major, 0);
  if (r->minor >= 0)
    b[n++] = JNE_IMM (R5, (int32_t) r->minor, 0);
  b[n++] = MOV64_IMM (R0, r->allow ? 1 : 0);
  b[n++] = EXIT ();
  /* a mismatch skips the rest of the block */
  for (size_t i = 0; i < n; i++)
    if (b[i].code == (BPF_JMP | BPF_JNE | BPF_K))
      b[i].off = (int16_t) (n - i - 1);
  if (out)
    memcpy (out, b, n * sizeof (b[0]));
  return n;
}

static int
bpf (int cmd, union bpf_attr *attr)
{
  return (int) syscall (__NR_bpf, cmd, attr, sizeof (*attr));
}

int
devfilter_attach (const char *cgroup_dir, const struct berth_device_rule *rules, size_t nrules,
                  struct berth_err *err)
{
  size_t cap = 5 + 2;
  for (size_t i = 0; i < nrules; i++)
    cap += rule_block (&rules[i], NULL);
  cleanup_free struct bpf_insn *prog = xmalloc0 (cap * sizeof (*prog));
  size_t n = 0;
  /* struct bpf_cgroup_dev_ctx { u32 access_type (access << 16 | type); u32 major; u32 minor; } */
  prog[n++] = LDX_W (R2, R1, 0);
  prog[n++] = ALU32_IMM (BPF_AND, R2, 0xffff);
  prog[n++] = LDX_W (R3, R1, 0);
  prog[n++] = ALU32_IMM (BPF_RSH, R3, 16);
  prog[n++] = LDX_W (R4, R1, 4);
  prog[n++] = LDX_W (R5, R1, 8);
  bool decided = false; /* a rule matching everything ends the program: the verifier refuses dead code */
  for (size_t i = nrules; i-- > 0 && !decided;)
    {
      size_t len = rule_block (&rules[i], prog + n);
      n += len;
      decided = len == 2;
    }
  if (!decided)
    {
      prog[n++] = MOV64_IMM (R0, 0);
      prog[n++] = EXIT ();
    }

  char log[4096] = "";
  union bpf_attr load = { 0 };
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = (uintptr_t) prog;
  load.insn_cnt = (uint32_t) n;
  load.license = (uintptr_t) "Apache";
  load.log_buf = (uintptr_t) log;
  load.log_size = sizeof (log);
  load.log_level = 1;
  cleanup_close int prog_fd = bpf (BPF_PROG_LOAD, &load);
  if (prog_fd < 0)
    return make_err (err, errno, "load the device filter%s%s", log[0] ? ": " : "", log);

  cleanup_close int dir = open (cgroup_dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (dir < 0)
    return make_err (err, errno, "open `%s`", cgroup_dir);
  union bpf_attr attach = { 0 };
  attach.target_fd = (uint32_t) dir;
  attach.attach_bpf_fd = (uint32_t) prog_fd;
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf (BPF_PROG_ATTACH, &attach) < 0)
    return make_err (err, errno, "attach the device filter to `%s`", cgroup_dir);
  return 0;
}
