// The JS surface of rtnetlink (nl.c, netns.c). Every call is synchronous (netlink answers in
// microseconds); the optional last argument is the path of a netns to act in.
#include <napi.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "nl.h"
#include "netlink.h"

namespace {

struct Fd {
  int fd = -1;
  ~Fd() { if (fd >= 0) close(fd); }
};

Napi::Value Throw(Napi::Env env, const nl_err& e) {
  Napi::Error err = Napi::Error::New(env, e.msg);
  const char* name = e.errnum ? strerrorname_np(e.errnum) : nullptr;
  err.Set("code", Napi::String::New(env, name ? name : "EUNKNOWN"));
  err.Set("errno", Napi::Number::New(env, e.errnum));
  err.ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowMsg(Napi::Env env, const std::string& msg) {
  Napi::TypeError::New(env, msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

std::string OptStr(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

bool HasStr(const Napi::Object& o, const char* key) { return o.Get(key).IsString(); }

int OptInt(const Napi::Object& o, const char* key, int def) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Int32Value() : def;
}

bool ParseMac(const std::string& s, unsigned char mac[6]) {
  unsigned v[6];
  if (sscanf(s.c_str(), "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) return false;
  for (int i = 0; i < 6; i++) { if (v[i] > 255) return false; mac[i] = (unsigned char)v[i]; }
  return true;
}

std::string FormatMac(const unsigned char mac[6]) {
  char b[18];
  snprintf(b, sizeof b, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return b;
}

std::string FormatIp(const nl_ip& a) {
  char b[INET6_ADDRSTRLEN];
  inet_ntop(a.family, a.addr, b, sizeof b);
  return b;
}

// An IPv4 or IPv6 literal.
bool ParseIp(const std::string& s, nl_ip* out) {
  memset(out, 0, sizeof *out);
  if (inet_pton(AF_INET, s.c_str(), out->addr) == 1) { out->family = AF_INET; return true; }
  if (inet_pton(AF_INET6, s.c_str(), out->addr) == 1) { out->family = AF_INET6; return true; }
  return false;
}

std::string NsArg(const Napi::CallbackInfo& info, size_t i) {
  return info.Length() > i && info[i].IsString() ? info[i].As<Napi::String>().Utf8Value() : std::string();
}

// Open the netlink socket for this call (in `ns` when given); false after throwing.
bool Open(Napi::Env env, const std::string& ns, Fd& fd) {
  nl_err e{};
  fd.fd = nl_open(ns.empty() ? nullptr : ns.c_str(), &e);
  if (fd.fd < 0) { Throw(env, e); return false; }
  return true;
}

Napi::Value LinkAdd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return ThrowMsg(env, "linkAdd(options, ns?)");
  Napi::Object o = info[0].As<Napi::Object>();
  std::string kind = OptStr(o, "kind"), name = OptStr(o, "name"), peer = OptStr(o, "peer");
  std::string peerNs = OptStr(o, "peerNs"), mac = OptStr(o, "mac"), peerMac = OptStr(o, "peerMac");
  unsigned char macb[6], peerMacb[6];
  if (!mac.empty() && !ParseMac(mac, macb)) return ThrowMsg(env, "invalid MAC address " + mac);
  if (!peerMac.empty() && !ParseMac(peerMac, peerMacb)) return ThrowMsg(env, "invalid MAC address " + peerMac);
  Fd fd, nsfd;
  if (!Open(env, NsArg(info, 1), fd)) return env.Undefined();
  if (!peerNs.empty()) {
    nsfd.fd = open(peerNs.c_str(), O_RDONLY | O_CLOEXEC);
    if (nsfd.fd < 0) { nl_err e{}; nl_make_err(&e, errno, "open netns %s", peerNs.c_str()); return Throw(env, e); }
  }
  struct nl_link_new l{};
  l.kind = kind.c_str();
  l.name = name.c_str();
  l.mtu = OptInt(o, "mtu", 0);
  l.mac = mac.empty() ? nullptr : macb;
  l.peer = peer.empty() ? nullptr : peer.c_str();
  l.peer_nsfd = nsfd.fd;
  l.peer_mac = peerMac.empty() ? nullptr : peerMacb;
  nl_err e{};
  if (nl_link_add(fd.fd, &l, &e) < 0) return Throw(env, e);
  return env.Undefined();
}

Napi::Value LinkDel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return ThrowMsg(env, "linkDel(name, ns?)");
  Fd fd;
  if (!Open(env, NsArg(info, 1), fd)) return env.Undefined();
  nl_err e{};
  if (nl_link_del(fd.fd, info[0].As<Napi::String>().Utf8Value().c_str(), &e) < 0) return Throw(env, e);
  return env.Undefined();
}

Napi::Value LinkSet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return ThrowMsg(env, "linkSet(options, ns?)");
  Napi::Object o = info[0].As<Napi::Object>();
  std::string name = OptStr(o, "name"), master = OptStr(o, "master"), mac = OptStr(o, "mac");
  std::string newName = OptStr(o, "newName"), netns = OptStr(o, "netns");
  unsigned char macb[6];
  if (!mac.empty() && !ParseMac(mac, macb)) return ThrowMsg(env, "invalid MAC address " + mac);
  Fd fd, nsfd;
  if (!Open(env, NsArg(info, 1), fd)) return env.Undefined();
  if (!netns.empty()) {
    nsfd.fd = open(netns.c_str(), O_RDONLY | O_CLOEXEC);
    if (nsfd.fd < 0) { nl_err e{}; nl_make_err(&e, errno, "open netns %s", netns.c_str()); return Throw(env, e); }
  }
  struct nl_link_set s{};
  s.name = name.c_str();
  Napi::Value up = o.Get("up");
  s.up = up.IsBoolean() ? (up.As<Napi::Boolean>().Value() ? 1 : 0) : -1;
  Napi::Value m = o.Get("master");
  s.master = m.IsString() ? master.c_str() : (m.IsNull() ? "" : nullptr);
  s.mtu = OptInt(o, "mtu", 0);
  s.mac = mac.empty() ? nullptr : macb;
  s.new_name = HasStr(o, "newName") ? newName.c_str() : nullptr;
  s.nsfd = nsfd.fd;
  nl_err e{};
  if (nl_link_set(fd.fd, &s, &e) < 0) return Throw(env, e);
  return env.Undefined();
}

Napi::Value LinkIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return ThrowMsg(env, "linkIndex(name, ns?)");
  Fd fd;
  if (!Open(env, NsArg(info, 1), fd)) return env.Undefined();
  nl_err e{};
  int idx = nl_link_index(fd.fd, info[0].As<Napi::String>().Utf8Value().c_str(), &e);
  if (idx < 0) {
    if (e.errnum == ENODEV) return Napi::Number::New(env, 0);
    return Throw(env, e);
  }
  return Napi::Number::New(env, idx);
}

Napi::Value AddrAdd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsString() || !info[2].IsNumber())
    return ThrowMsg(env, "addrAdd(dev, ip, prefix, ns?)");
  nl_ip ip;
  std::string ips = info[1].As<Napi::String>().Utf8Value();
  if (!ParseIp(ips, &ip)) return ThrowMsg(env, "invalid IP address " + ips);
  Fd fd;
  if (!Open(env, NsArg(info, 3), fd)) return env.Undefined();
  nl_err e{};
  if (nl_addr_add(fd.fd, info[0].As<Napi::String>().Utf8Value().c_str(), &ip, info[2].As<Napi::Number>().Int32Value(), &e) < 0)
    return Throw(env, e);
  return env.Undefined();
}

Napi::Value RouteAdd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return ThrowMsg(env, "routeAdd({dst?, prefix?, gw?, dev?}, ns?)");
  Napi::Object o = info[0].As<Napi::Object>();
  nl_ip dst{}, gw{};
  dst.family = gw.family = AF_UNSPEC;
  std::string dsts = OptStr(o, "dst"), gws = OptStr(o, "gw"), dev = OptStr(o, "dev");
  if (!dsts.empty() && !ParseIp(dsts, &dst)) return ThrowMsg(env, "invalid IP address " + dsts);
  if (!gws.empty() && !ParseIp(gws, &gw)) return ThrowMsg(env, "invalid IP address " + gws);
  if (dst.family != AF_UNSPEC && gw.family != AF_UNSPEC && dst.family != gw.family)
    return ThrowMsg(env, "route destination and gateway of different families");
  Fd fd;
  if (!Open(env, NsArg(info, 1), fd)) return env.Undefined();
  nl_err e{};
  if (nl_route_add(fd.fd, &dst, OptInt(o, "prefix", 0), &gw, dev.empty() ? nullptr : dev.c_str(), &e) < 0) return Throw(env, e);
  return env.Undefined();
}

Napi::Value Links(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Fd fd;
  if (!Open(env, NsArg(info, 0), fd)) return env.Undefined();
  nl_link_info* items = nullptr;
  int n = 0;
  nl_err e{};
  if (nl_link_list(fd.fd, &items, &n, &e) < 0) return Throw(env, e);
  Napi::Array arr = Napi::Array::New(env, n);
  for (int i = 0; i < n; i++) {
    Napi::Object l = Napi::Object::New(env);
    l.Set("index", items[i].index);
    l.Set("name", items[i].name);
    l.Set("kind", items[i].kind);
    l.Set("master", items[i].master);
    l.Set("mtu", items[i].mtu);
    l.Set("mac", FormatMac(items[i].mac));
    l.Set("up", Napi::Boolean::New(env, items[i].up));
    arr.Set(i, l);
  }
  free(items);
  return arr;
}

Napi::Value Routes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Fd fd;
  if (!Open(env, NsArg(info, 0), fd)) return env.Undefined();
  nl_route_info* items = nullptr;
  int n = 0;
  nl_err e{};
  if (nl_route_list(fd.fd, &items, &n, &e) < 0) return Throw(env, e);
  Napi::Array arr = Napi::Array::New(env, n);
  for (int i = 0; i < n; i++) {
    Napi::Object r = Napi::Object::New(env);
    r.Set("family", items[i].dst.family == AF_INET6 ? 6 : 4);
    r.Set("dst", FormatIp(items[i].dst));
    r.Set("prefix", items[i].prefix);
    if (items[i].gw.family != AF_UNSPEC) r.Set("gw", FormatIp(items[i].gw));
    r.Set("oif", items[i].oif);
    arr.Set(i, r);
  }
  free(items);
  return arr;
}

Napi::Value Addrs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Fd fd;
  if (!Open(env, NsArg(info, 0), fd)) return env.Undefined();
  nl_addr_info* items = nullptr;
  int n = 0;
  nl_err e{};
  if (nl_addr_list(fd.fd, &items, &n, &e) < 0) return Throw(env, e);
  Napi::Array arr = Napi::Array::New(env, n);
  for (int i = 0; i < n; i++) {
    Napi::Object a = Napi::Object::New(env);
    a.Set("index", items[i].index);
    a.Set("family", items[i].addr.family == AF_INET6 ? 6 : 4);
    a.Set("address", FormatIp(items[i].addr));
    a.Set("prefix", items[i].prefix);
    arr.Set(i, a);
  }
  free(items);
  return arr;
}

Napi::Value NetnsCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return ThrowMsg(env, "netnsCreate(path)");
  nl_err e{};
  if (ns_create(info[0].As<Napi::String>().Utf8Value().c_str(), &e) < 0) return Throw(env, e);
  return env.Undefined();
}

Napi::Value NetnsDelete(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return ThrowMsg(env, "netnsDelete(path)");
  nl_err e{};
  if (ns_delete(info[0].As<Napi::String>().Utf8Value().c_str(), &e) < 0) return Throw(env, e);
  return env.Undefined();
}

}  // namespace

namespace berth {

void InitNetlink(Napi::Env env, Napi::Object exports) {
  exports.Set("linkAdd", Napi::Function::New(env, LinkAdd));
  exports.Set("linkDel", Napi::Function::New(env, LinkDel));
  exports.Set("linkSet", Napi::Function::New(env, LinkSet));
  exports.Set("linkIndex", Napi::Function::New(env, LinkIndex));
  exports.Set("addrAdd", Napi::Function::New(env, AddrAdd));
  exports.Set("routeAdd", Napi::Function::New(env, RouteAdd));
  exports.Set("links", Napi::Function::New(env, Links));
  exports.Set("routes", Napi::Function::New(env, Routes));
  exports.Set("addrs", Napi::Function::New(env, Addrs));
  exports.Set("netnsCreate", Napi::Function::New(env, NetnsCreate));
  exports.Set("netnsDelete", Napi::Function::New(env, NetnsDelete));
}

}  // namespace berth
