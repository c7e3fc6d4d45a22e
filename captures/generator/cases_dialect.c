/*
 * Every message of every dialect, each answered validly, on port 564: one
 * capture per dialect, each starting with a Tversion/Rversion handshake.
 * The rarer messages are written field by field here, in the order of
 * doc/9p-wire.md.
 */
#include "cases.h"

#include "mumble.h"
#include "msgs.h"

#include <string.h>

enum {
	AUTH_FID = 100,
	WALK_FID = 1,
	DIR_FID = 2,
	NEW_FID = 3,
	LINK_FID = 4,
	MISSING_FID = 5,
	OPENFD_FID = 6,
	XATTR_FID = 7,
	XATTR_NEW_FID = 8,
	READLINK_FID = 9,
	IOUNIT = 0, /* "as much as msize allows" */
	UNIX_FD = 5,
	ERRNO_ENOENT = 2,
	ERRNO_EPERM = 1,
	ERRNO_EINVAL = 22,
	PERM_0644 = 0644,
	PERM_0755 = 0755,
	PERM_0777 = 0777,
	STAT_TIME = 1700000000,
	U_UID = 1000,
	U_GID = 1000,
	L_O_RDONLY = 0,
	L_O_WRONLY = 01,
	L_O_CREAT = 0100,
	L_O_DIRECTORY = 0200000,
	L_S_IFIFO = 0010000,
	L_S_IFDIR = 0040000,
	L_S_IFREG = 0100000,
	L_GETATTR_BASIC = 0x7ff,
	L_SETATTR_MODE = 0x1,
	L_SETATTR_SIZE = 0x8,
	L_LOCK_TYPE_RDLCK = 0,
	L_LOCK_TYPE_WRLCK = 1,
	L_LOCK_TYPE_UNLCK = 2,
	L_LOCK_SUCCESS = 0,
	L_PROC_ID = 4242,
	L_DT_DIR = 4,
	L_DT_REG = 8,
	STATFS_V9FS_MAGIC = 0x01021997,
	STATFS_BSIZE = 4096,
	STATFS_NAMELEN = 255,
	E_TTL = 3600,
};

static const struct qid root_qid = {NINEP_QTDIR, 0, 1};
static const struct qid lib_qid = {NINEP_QTDIR, 0, 2};
static const struct qid motd_qid = {NINEP_QTFILE, 3, 3};
static const struct qid profile_qid = {NINEP_QTFILE, 1, 4};
static const struct qid notes_qid = {NINEP_QTFILE, 0, 5};
static const struct qid link_qid = {NINEP_QTSYMLINK, 0, 6};
static const struct qid auth_qid = {NINEP_QTAUTH, 0, 0x8000};

static const char motd[] = "Plan 9 from Bell Labs: no motd today.\n";
static const char notes[] = "hello 9P\n";

enum variant { V_9P2000, V_U, V_E };

static void send_rerror(struct sess *s, uint16_t tag, const char *ename, int with_errno, uint32_t errnum)
{
	msg_begin(&s->m, NINEP_Rerror, tag);
	msg_str(&s->m, ename);
	if (with_errno)
		msg_u32(&s->m, errnum);
	msg_end(&s->m);
	sess_send(s, SERVER);
}

static void rpc_empty_reply(struct sess *s, uint8_t rtype, uint16_t tag)
{
	sess_send(s, CLIENT);
	build_empty(&s->m, rtype, tag);
	sess_send(s, SERVER);
}

static void clunk(struct sess *s, uint32_t fid)
{
	build_tclunk(&s->m, 1, fid);
	rpc_empty_reply(s, NINEP_Rclunk, 1);
}

/* Read the open motd on WALK_FID whole, then Tflush a second read that the
 * server has already answered (its Rread comes first, then Rflush), then
 * clunk the fid.  Every dialect that reads files has this exchange. */
static void read_motd_then_flush_answered_read(struct sess *s)
{
	struct buf *m = &s->m;
	const uint32_t motd_len = (uint32_t)strlen(motd);
	build_tread(m, 1, WALK_FID, 0, MSG_MSIZE - NINEP_HDRSZ - NINEP_BIT32SZ);
	sess_send(s, CLIENT);
	build_rread(m, 1, motd, motd_len);
	sess_send(s, SERVER);
	build_tread(m, 2, WALK_FID, motd_len, MSG_MSIZE - NINEP_HDRSZ - NINEP_BIT32SZ);
	sess_send(s, CLIENT);
	build_tflush(m, 3, 2);
	sess_send(s, CLIENT);
	build_rread(m, 2, "", 0);
	sess_send(s, SERVER);
	build_empty(m, NINEP_Rflush, 3);
	sess_send(s, SERVER);
	clunk(s, WALK_FID);
}

static struct stat_rec file_stat(const char *name, struct qid qid, uint32_t mode, uint64_t length)
{
	struct stat_rec st;
	memset(&st, 0, sizeof st);
	st.qid = qid;
	st.mode = mode;
	st.atime = STAT_TIME;
	st.mtime = STAT_TIME;
	st.length = length;
	st.name = name;
	st.uid = "glenda";
	st.gid = "glenda";
	st.muid = "glenda";
	st.extension = "";
	st.n_uid = U_UID;
	st.n_gid = U_GID;
	st.n_muid = U_UID;
	return st;
}

static void version(struct sess *s, const char *v)
{
	build_tversion(&s->m, MSG_MSIZE, v);
	sess_send(s, CLIENT);
	build_rversion(&s->m, MSG_MSIZE, v);
	sess_send(s, SERVER);
}

/* Tauth -> Rauth, then Tattach without the auth fid (no server checks it). */
static void auth_and_attach(struct sess *s, enum variant v, const char *uname)
{
	int dotu = v == V_U;
	msg_begin(&s->m, NINEP_Tauth, 1);
	msg_u32(&s->m, AUTH_FID);
	msg_str(&s->m, uname);
	msg_str(&s->m, "");
	if (dotu)
		msg_u32(&s->m, U_UID);
	msg_end(&s->m);
	sess_send(s, CLIENT);
	build_rqid(&s->m, NINEP_Rauth, 1, auth_qid);
	sess_send(s, SERVER);

	if (v == V_E) {
		/* the MUMBLE record on the auth fid carries the session key */
		struct buf data;
		buf_init(&data, MSG_CEILING);
		mumble_write_data(&data, mumble_demo_key, "ling@host", "demo");
		build_twrite(&s->m, 1, AUTH_FID, 0, data.data, (uint32_t)data.len);
		sess_send(s, CLIENT);
		build_rwrite(&s->m, 1, (uint32_t)data.len);
		sess_send(s, SERVER);
		buf_free(&data);
	}

	build_tattach(&s->m, 1, ROOT_FID, NINEP_NOFID, uname, "", dotu, U_UID);
	sess_send(s, CLIENT);
	build_rattach(&s->m, 1, root_qid);
	sess_send(s, SERVER);
}

/*
 * The messages 9P2000, .u and .e share: walk, open, read (of a file and of
 * a directory), flush, create, write, stat, wstat, remove, clunk, and a
 * failed walk answered with Rerror in each form the dialect allows.
 */
static void classic_ops(struct sess *s, enum variant v)
{
	const int dotu = v == V_U;
	struct buf *m = &s->m;
	static const char *const motd_path[] = {"lib", "motd"};
	static const char *const lib_path[] = {"lib"};
	static const char *const missing_path[] = {"nonexistent"};
	const struct qid motd_walk[] = {lib_qid, motd_qid};
	const uint32_t motd_len = (uint32_t)strlen(motd);

	build_twalk(m, 1, ROOT_FID, WALK_FID, 2, motd_path);
	sess_send(s, CLIENT);
	build_rwalk(m, 1, 2, motd_walk);
	sess_send(s, SERVER);

	build_topen(m, 1, WALK_FID, NINEP_OREAD);
	sess_send(s, CLIENT);
	build_rqid_iounit(m, NINEP_Ropen, 1, motd_qid, IOUNIT);
	sess_send(s, SERVER);

	read_motd_then_flush_answered_read(s);

	/* a directory read: Rread holds stat records back to back */
	build_twalk(m, 1, ROOT_FID, DIR_FID, 1, lib_path);
	sess_send(s, CLIENT);
	build_rwalk(m, 1, 1, &lib_qid);
	sess_send(s, SERVER);
	build_topen(m, 1, DIR_FID, NINEP_OREAD);
	sess_send(s, CLIENT);
	build_rqid_iounit(m, NINEP_Ropen, 1, lib_qid, IOUNIT);
	sess_send(s, SERVER);
	build_tread(m, 1, DIR_FID, 0, MSG_MSIZE - NINEP_HDRSZ - NINEP_BIT32SZ);
	sess_send(s, CLIENT);
	{
		struct buf dir;
		struct stat_rec a = file_stat("motd", motd_qid, PERM_0644, motd_len);
		struct stat_rec b = file_stat("profile", profile_qid, PERM_0755, 0);
		buf_init(&dir, MSG_CEILING);
		msg_stat(&dir, &a, dotu);
		msg_stat(&dir, &b, dotu);
		build_rread(m, 1, dir.data, (uint32_t)dir.len);
		buf_free(&dir);
	}
	sess_send(s, SERVER);
	clunk(s, DIR_FID);

	/* create, write, stat, wstat, remove on a clone of the root */
	build_twalk(m, 1, ROOT_FID, NEW_FID, 0, NULL);
	sess_send(s, CLIENT);
	build_rwalk(m, 1, 0, NULL);
	sess_send(s, SERVER);
	msg_begin(m, NINEP_Tcreate, 1);
	msg_u32(m, NEW_FID);
	msg_str(m, "notes");
	msg_u32(m, PERM_0644);
	msg_u8(m, NINEP_ORDWR);
	if (dotu)
		msg_str(m, "");
	msg_end(m);
	sess_send(s, CLIENT);
	build_rqid_iounit(m, NINEP_Rcreate, 1, notes_qid, IOUNIT);
	sess_send(s, SERVER);
	build_twrite(m, 1, NEW_FID, 0, notes, (uint32_t)strlen(notes));
	sess_send(s, CLIENT);
	build_rwrite(m, 1, (uint32_t)strlen(notes));
	sess_send(s, SERVER);

	msg_begin(m, NINEP_Tstat, 1);
	msg_u32(m, NEW_FID);
	msg_end(m);
	sess_send(s, CLIENT);
	{
		struct stat_rec st = file_stat("notes", notes_qid, PERM_0644, strlen(notes));
		msg_begin(m, NINEP_Rstat, 1);
		msg_stat_n(m, &st, dotu);
		msg_end(m);
	}
	sess_send(s, SERVER);

	{
		/* wstat: rename only; every other field is "don't touch" */
		struct stat_rec st;
		memset(&st, 0xff, sizeof st);
		st.name = "notes.old";
		st.uid = st.gid = st.muid = st.extension = "";
		msg_begin(m, NINEP_Twstat, 1);
		msg_u32(m, NEW_FID);
		msg_stat_n(m, &st, dotu);
		msg_end(m);
	}
	rpc_empty_reply(s, NINEP_Rwstat, 1);

	msg_begin(m, NINEP_Tremove, 1);
	msg_u32(m, NEW_FID);
	msg_end(m);
	rpc_empty_reply(s, NINEP_Rremove, 1);

	if (dotu) {
		/* .u: Tcreate's extension makes a symbolic link */
		build_twalk(m, 1, ROOT_FID, LINK_FID, 0, NULL);
		sess_send(s, CLIENT);
		build_rwalk(m, 1, 0, NULL);
		sess_send(s, SERVER);
		msg_begin(m, NINEP_Tcreate, 1);
		msg_u32(m, LINK_FID);
		msg_str(m, "motd.link");
		msg_u32(m, NINEP_DMSYMLINK | PERM_0777);
		msg_u8(m, NINEP_OREAD);
		msg_str(m, "lib/motd");
		msg_end(m);
		sess_send(s, CLIENT);
		build_rqid_iounit(m, NINEP_Rcreate, 1, link_qid, IOUNIT);
		sess_send(s, SERVER);
		clunk(s, LINK_FID);
	}

	/* a failed walk: Rerror with the errno in .u, without in 9P2000, both in .e */
	build_twalk(m, 1, ROOT_FID, MISSING_FID, 1, missing_path);
	sess_send(s, CLIENT);
	send_rerror(s, 1, "file does not exist", v != V_9P2000, ERRNO_ENOENT);
	if (v == V_E) {
		build_twalk(m, 1, ROOT_FID, MISSING_FID, 1, missing_path);
		sess_send(s, CLIENT);
		send_rerror(s, 1, "file does not exist", 0, 0);
	}
}

void case_dialect_9p2000(const char *outdir)
{
	struct case_ctx cx;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	struct sess s;
	static const char *const motd_path[] = {"lib", "motd"};
	const struct qid motd_walk[] = {lib_qid, motd_qid};

	case_begin(&cx, outdir, "dialect_9p2000", &o, "9P2000");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	version(&s, "9P2000");
	auth_and_attach(&s, V_9P2000, "glenda");
	classic_ops(&s, V_9P2000);

	/* plan9port openfd(9p) */
	build_twalk(&s.m, 1, ROOT_FID, OPENFD_FID, 2, motd_path);
	sess_send(&s, CLIENT);
	build_rwalk(&s.m, 1, 2, motd_walk);
	sess_send(&s, SERVER);
	msg_begin(&s.m, NINEP_Topenfd, 1);
	msg_u32(&s.m, OPENFD_FID);
	msg_u8(&s.m, NINEP_OREAD);
	msg_end(&s.m);
	sess_send(&s, CLIENT);
	msg_begin(&s.m, NINEP_Ropenfd, 1);
	msg_qid(&s.m, motd_qid);
	msg_u32(&s.m, IOUNIT);
	msg_u32(&s.m, UNIX_FD);
	msg_end(&s.m);
	sess_send(&s, SERVER);
	clunk(&s, OPENFD_FID);

	clunk(&s, AUTH_FID);
	clunk(&s, ROOT_FID);
	sess_end(&s, 1);
	case_end(&cx);
}

void case_dialect_9p2000u(const char *outdir)
{
	struct case_ctx cx;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	struct sess s;

	case_begin(&cx, outdir, "dialect_9p2000u", &o, "9P2000.u");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	version(&s, "9P2000.u");
	auth_and_attach(&s, V_U, "glenda");
	classic_ops(&s, V_U);
	clunk(&s, AUTH_FID);
	clunk(&s, ROOT_FID);
	sess_end(&s, 1);
	case_end(&cx);
}

/* The 9P2000.L-only requests, in the order a Linux client might send them. */
static void l_ops(struct sess *s)
{
	struct buf *m = &s->m;
	static const char *const motd_path[] = {"etc", "motd"};
	static const char *const notes_path[] = {"notes"};
	static const char *const link_path[] = {"motd.link"};
	static const char *const missing_path[] = {"nonexistent"};
	const struct qid etc_qid = lib_qid;
	const struct qid motd_walk[] = {etc_qid, motd_qid};
	const uint32_t motd_len = (uint32_t)strlen(motd);
	const uint32_t notes_len = (uint32_t)strlen(notes);

	msg_begin(m, NINEP_Tstatfs, 1);
	msg_u32(m, ROOT_FID);
	msg_end(m);
	sess_send(s, CLIENT);
	msg_begin(m, NINEP_Rstatfs, 1);
	msg_u32(m, STATFS_V9FS_MAGIC);
	msg_u32(m, STATFS_BSIZE);
	msg_u64(m, 1000000); /* blocks */
	msg_u64(m, 400000);  /* bfree */
	msg_u64(m, 350000);  /* bavail */
	msg_u64(m, 65536);   /* files */
	msg_u64(m, 60000);   /* ffree */
	msg_u64(m, 0x9f);    /* fsid */
	msg_u32(m, STATFS_NAMELEN);
	msg_end(m);
	sess_send(s, SERVER);

	/* read a file */
	build_twalk(m, 1, ROOT_FID, WALK_FID, 2, motd_path);
	sess_send(s, CLIENT);
	build_rwalk(m, 1, 2, motd_walk);
	sess_send(s, SERVER);
	build_tgetattr(m, 1, WALK_FID, L_GETATTR_BASIC);
	sess_send(s, CLIENT);
	l_rgetattr(m, 1, motd_qid, L_S_IFREG | PERM_0644, motd_len);
	sess_send(s, SERVER);
	build_tlopen(m, 1, WALK_FID, L_O_RDONLY);
	sess_send(s, CLIENT);
	build_rlopen(m, 1, motd_qid, IOUNIT);
	sess_send(s, SERVER);
	read_motd_then_flush_answered_read(s);

	/* list the root: Rreaddir with several dirents, then the empty end */
	build_twalk(m, 1, ROOT_FID, DIR_FID, 0, NULL);
	sess_send(s, CLIENT);
	build_rwalk(m, 1, 0, NULL);
	sess_send(s, SERVER);
	build_tlopen(m, 1, DIR_FID, L_O_RDONLY | L_O_DIRECTORY);
	sess_send(s, CLIENT);
	build_rlopen(m, 1, root_qid, IOUNIT);
	sess_send(s, SERVER);
	build_treaddir(m, 1, DIR_FID, 0, MSG_MSIZE - NINEP_HDRSZ - NINEP_BIT32SZ);
	sess_send(s, CLIENT);
	{
		struct buf d;
		buf_init(&d, MSG_CEILING);
		msg_dirent(&d, root_qid, 1, L_DT_DIR, ".");
		msg_dirent(&d, root_qid, 2, L_DT_DIR, "..");
		msg_dirent(&d, etc_qid, 3, L_DT_DIR, "etc");
		msg_dirent(&d, profile_qid, 4, L_DT_REG, "profile");
		build_rreaddir(m, 1, d.data, (uint32_t)d.len);
		buf_free(&d);
	}
	sess_send(s, SERVER);
	build_treaddir(m, 1, DIR_FID, 4, MSG_MSIZE - NINEP_HDRSZ - NINEP_BIT32SZ);
	sess_send(s, CLIENT);
	build_rreaddir(m, 1, "", 0);
	sess_send(s, SERVER);
	clunk(s, DIR_FID);

	/* create and write a file, sync it both ways, change its attributes */
	build_twalk(m, 1, ROOT_FID, NEW_FID, 0, NULL);
	sess_send(s, CLIENT);
	build_rwalk(m, 1, 0, NULL);
	sess_send(s, SERVER);
	msg_begin(m, NINEP_Tlcreate, 1);
	msg_u32(m, NEW_FID);
	msg_str(m, "notes");
	msg_u32(m, L_O_WRONLY | L_O_CREAT);
	msg_u32(m, PERM_0644);
	msg_u32(m, U_GID);
	msg_end(m);
	sess_send(s, CLIENT);
	build_rqid_iounit(m, NINEP_Rlcreate, 1, notes_qid, IOUNIT);
	sess_send(s, SERVER);
	build_twrite(m, 1, NEW_FID, 0, notes, notes_len);
	sess_send(s, CLIENT);
	build_rwrite(m, 1, notes_len);
	sess_send(s, SERVER);
	msg_begin(m, NINEP_Tfsync, 1);
	msg_u32(m, NEW_FID);
	msg_u32(m, 1); /* datasync */
	msg_end(m);
	rpc_empty_reply(s, NINEP_Rfsync, 1);
	msg_begin(m, NINEP_Tfsync, 1); /* an older client: no datasync */
	msg_u32(m, NEW_FID);
	msg_end(m);
	rpc_empty_reply(s, NINEP_Rfsync, 1);
	msg_begin(m, NINEP_Tsetattr, 1);
	msg_u32(m, NEW_FID);
	msg_u32(m, L_SETATTR_MODE | L_SETATTR_SIZE);
	msg_u32(m, L_S_IFREG | PERM_0755);
	msg_u32(m, 0); /* uid */
	msg_u32(m, 0); /* gid */
	msg_u64(m, notes_len);
	msg_u64(m, 0);
	msg_u64(m, 0);
	msg_u64(m, 0);
	msg_u64(m, 0);
	msg_end(m);
	rpc_empty_reply(s, NINEP_Rsetattr, 1);

	/* locks */
	msg_begin(m, NINEP_Tlock, 1);
	msg_u32(m, NEW_FID);
	msg_u8(m, L_LOCK_TYPE_WRLCK);
	msg_u32(m, 0); /* flags */
	msg_u64(m, 0); /* start */
	msg_u64(m, 0); /* length: to end of file */
	msg_u32(m, L_PROC_ID);
	msg_str(m, "client");
	msg_end(m);
	sess_send(s, CLIENT);
	msg_begin(m, NINEP_Rlock, 1);
	msg_u8(m, L_LOCK_SUCCESS);
	msg_end(m);
	sess_send(s, SERVER);
	msg_begin(m, NINEP_Tgetlock, 1);
	msg_u32(m, NEW_FID);
	msg_u8(m, L_LOCK_TYPE_RDLCK);
	msg_u64(m, 0);
	msg_u64(m, 0);
	msg_u32(m, L_PROC_ID);
	msg_str(m, "client");
	msg_end(m);
	sess_send(s, CLIENT);
	msg_begin(m, NINEP_Rgetlock, 1);
	msg_u8(m, L_LOCK_TYPE_UNLCK);
	msg_u64(m, 0);
	msg_u64(m, 0);
	msg_u32(m, L_PROC_ID);
	msg_str(m, "client");
	msg_end(m);
	sess_send(s, SERVER);

	/* extended attributes: read one through a new fid, create another */
	msg_begin(m, NINEP_Txattrwalk, 1);
	msg_u32(m, NEW_FID);
	msg_u32(m, XATTR_FID);
	msg_str(m, "user.comment");
	msg_end(m);
	sess_send(s, CLIENT);
	msg_begin(m, NINEP_Rxattrwalk, 1);
	msg_u64(m, strlen("draft"));
	msg_end(m);
	sess_send(s, SERVER);
	build_tread(m, 1, XATTR_FID, 0, MSG_MSIZE - NINEP_HDRSZ - NINEP_BIT32SZ);
	sess_send(s, CLIENT);
	build_rread(m, 1, "draft", (uint32_t)strlen("draft"));
	sess_send(s, SERVER);
	clunk(s, XATTR_FID);
	build_twalk(m, 1, ROOT_FID, XATTR_NEW_FID, 1, notes_path);
	sess_send(s, CLIENT);
	build_rwalk(m, 1, 1, &notes_qid);
	sess_send(s, SERVER);
	msg_begin(m, NINEP_Txattrcreate, 1);
	msg_u32(m, XATTR_NEW_FID);
	msg_str(m, "user.tag");
	msg_u64(m, strlen("red"));
	msg_u32(m, 0); /* flags */
	msg_end(m);
	rpc_empty_reply(s, NINEP_Rxattrcreate, 1);
	build_twrite(m, 1, XATTR_NEW_FID, 0, "red", (uint32_t)strlen("red"));
	sess_send(s, CLIENT);
	build_rwrite(m, 1, (uint32_t)strlen("red"));
	sess_send(s, SERVER);
	clunk(s, XATTR_NEW_FID);

	/* names: symlink, readlink, mknod, mkdir, link, rename, renameat, unlinkat */
	msg_begin(m, NINEP_Tsymlink, 1);
	msg_u32(m, ROOT_FID);
	msg_str(m, "motd.link");
	msg_str(m, "etc/motd");
	msg_u32(m, U_GID);
	msg_end(m);
	sess_send(s, CLIENT);
	build_rqid(m, NINEP_Rsymlink, 1, link_qid);
	sess_send(s, SERVER);
	build_twalk(m, 1, ROOT_FID, READLINK_FID, 1, link_path);
	sess_send(s, CLIENT);
	build_rwalk(m, 1, 1, &link_qid);
	sess_send(s, SERVER);
	msg_begin(m, NINEP_Treadlink, 1);
	msg_u32(m, READLINK_FID);
	msg_end(m);
	sess_send(s, CLIENT);
	msg_begin(m, NINEP_Rreadlink, 1);
	msg_str(m, "etc/motd");
	msg_end(m);
	sess_send(s, SERVER);
	clunk(s, READLINK_FID);

	msg_begin(m, NINEP_Tmknod, 1);
	msg_u32(m, ROOT_FID);
	msg_str(m, "fifo");
	msg_u32(m, L_S_IFIFO | PERM_0644);
	msg_u32(m, 0); /* major */
	msg_u32(m, 0); /* minor */
	msg_u32(m, U_GID);
	msg_end(m);
	sess_send(s, CLIENT);
	build_rqid(m, NINEP_Rmknod, 1, (struct qid){NINEP_QTFILE, 0, 7});
	sess_send(s, SERVER);

	msg_begin(m, NINEP_Tmkdir, 1);
	msg_u32(m, ROOT_FID);
	msg_str(m, "sub");
	msg_u32(m, L_S_IFDIR | PERM_0755);
	msg_u32(m, U_GID);
	msg_end(m);
	sess_send(s, CLIENT);
	build_rqid(m, NINEP_Rmkdir, 1, (struct qid){NINEP_QTDIR, 0, 8});
	sess_send(s, SERVER);

	msg_begin(m, NINEP_Tlink, 1);
	msg_u32(m, ROOT_FID);
	msg_u32(m, NEW_FID);
	msg_str(m, "notes.hard");
	msg_end(m);
	rpc_empty_reply(s, NINEP_Rlink, 1);

	msg_begin(m, NINEP_Trename, 1);
	msg_u32(m, NEW_FID);
	msg_u32(m, ROOT_FID);
	msg_str(m, "notes2");
	msg_end(m);
	rpc_empty_reply(s, NINEP_Rrename, 1);

	msg_begin(m, NINEP_Trenameat, 1);
	msg_u32(m, ROOT_FID);
	msg_str(m, "notes2");
	msg_u32(m, ROOT_FID);
	msg_str(m, "notes3");
	msg_end(m);
	rpc_empty_reply(s, NINEP_Rrenameat, 1);

	msg_begin(m, NINEP_Tunlinkat, 1);
	msg_u32(m, ROOT_FID);
	msg_str(m, "notes.hard");
	msg_u32(m, 0); /* flags: not AT_REMOVEDIR */
	msg_end(m);
	rpc_empty_reply(s, NINEP_Runlinkat, 1);

	msg_begin(m, NINEP_Tremove, 1);
	msg_u32(m, NEW_FID);
	msg_end(m);
	rpc_empty_reply(s, NINEP_Rremove, 1);

	/* a failed walk */
	build_twalk(m, 1, ROOT_FID, MISSING_FID, 1, missing_path);
	sess_send(s, CLIENT);
	build_rlerror(m, 1, ERRNO_ENOENT);
	sess_send(s, SERVER);
}

void case_dialect_9p2000L(const char *outdir)
{
	struct case_ctx cx;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	struct sess s;

	case_begin(&cx, outdir, "dialect_9p2000L", &o, "9P2000.L");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	version(&s, "9P2000.L");
	/* .L keeps Tauth with n_uname */
	msg_begin(&s.m, NINEP_Tauth, 1);
	msg_u32(&s.m, AUTH_FID);
	msg_str(&s.m, "user");
	msg_str(&s.m, "/srv");
	msg_u32(&s.m, U_UID);
	msg_end(&s.m);
	sess_send(&s, CLIENT);
	build_rqid(&s.m, NINEP_Rauth, 1, auth_qid);
	sess_send(&s, SERVER);
	build_tattach(&s.m, 1, ROOT_FID, NINEP_NOFID, "user", "/srv", 1, U_UID);
	sess_send(&s, CLIENT);
	build_rattach(&s.m, 1, root_qid);
	sess_send(&s, SERVER);
	l_ops(&s);
	clunk(&s, AUTH_FID);
	clunk(&s, ROOT_FID);
	sess_end(&s, 1);
	case_end(&cx);
}

/* 9P2000.e macro-ops: one round trip each for read and write of a file. */
static void e_macro_ops(struct sess *s)
{
	struct buf *m = &s->m;
	static const char *const alpha[] = {"data", "alpha.txt"};
	static const char *const bravo[] = {"data", "bravo.txt"};
	static const char alpha_text[] = "alpha: read in one round trip\n";
	static const char bravo_text[] = "bravo: written in one round trip\n";

	build_tsread(m, 1, ROOT_FID, 2, alpha);
	sess_send(s, CLIENT);
	build_rsread(m, 1, alpha_text, (uint32_t)strlen(alpha_text));
	sess_send(s, SERVER);

	build_tswrite(m, 1, ROOT_FID, 2, bravo, bravo_text, (uint32_t)strlen(bravo_text));
	sess_send(s, CLIENT);
	build_rswrite(m, 1, (uint32_t)strlen(bravo_text));
	sess_send(s, SERVER);
}

void case_dialect_9p2000e(const char *outdir)
{
	struct case_ctx cx;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	struct sess s;
	uint64_t t;

	case_begin(&cx, outdir, "dialect_9p2000e", &o, "9P2000.e");

	/* 1: full handshake with MUMBLE, the classic messages, the macro-ops */
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	version(&s, "9P2000.e");
	auth_and_attach(&s, V_E, "erlang");
	classic_ops(&s, V_E);
	e_macro_ops(&s);
	clunk(&s, AUTH_FID);
	sess_end(&s, 1);
	t = s.flow.now_ns + CASE_CONN_PAUSE_NS;

	/* 2: the session resumed with key[8] (v1.0); fid 0 is still valid */
	fc.client_port++;
	sess_open(&s, cx.cf, &cx.lg, &fc, t, 1);
	version(&s, "9P2000.e");
	msg_begin(&s.m, NINEP_Tsession, NINEP_NOTAG);
	msg_bytes(&s.m, mumble_demo_key, NINEP_SESSION_KEYSZ);
	msg_end(&s.m);
	sess_send(&s, CLIENT);
	build_empty(&s.m, NINEP_Rsession, NINEP_NOTAG);
	sess_send(&s, SERVER);
	e_macro_ops(&s);
	clunk(&s, ROOT_FID);
	sess_end(&s, 1);
	t = s.flow.now_ns + CASE_CONN_PAUSE_NS;

	/* 3: the v0.1 draft Tsession node[s] group[s] key[4]: unknown, so a
	 * fresh session (Rerror without errno), attached anew */
	fc.client_port++;
	sess_open(&s, cx.cf, &cx.lg, &fc, t, 1);
	version(&s, "9P2000.e");
	msg_begin(&s.m, NINEP_Tsession, NINEP_NOTAG);
	msg_str(&s.m, "ling@host");
	msg_str(&s.m, "demo");
	msg_bytes(&s.m, mumble_demo_key, NINEP_BIT32SZ);
	msg_end(&s.m);
	sess_send(&s, CLIENT);
	send_rerror(&s, NINEP_NOTAG, "cannot recover", 0, 0);
	build_tattach(&s.m, 1, ROOT_FID, NINEP_NOFID, "erlang", "", 0, 0);
	sess_send(&s, CLIENT);
	build_rattach(&s.m, 1, root_qid);
	sess_send(&s, SERVER);
	clunk(&s, ROOT_FID);
	sess_end(&s, 1);

	/* connections 1 and 2 are one session, 3 another */
	cx.lg.e_sessions = 2;
	case_end(&cx);
}

/*
 * The client asks for 9P2000.u and the server answers 9P2000 (version(5):
 * the reply's version is what the connection speaks, also when older than
 * the one asked for).  What follows is in 9P2000's layouts only: Tattach
 * without n_uname, an Rstat without .u fields, an Rerror without errno,
 * so that decoding it as 9P2000.u would fail.
 */
void case_version_downgrade(const char *outdir)
{
	struct case_ctx cx;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	struct sess s;
	static const char *const motd_path[] = {"lib", "motd"};
	static const char *const missing_path[] = {"nonexistent"};
	const struct qid motd_walk[] = {lib_qid, motd_qid};
	const uint32_t motd_len = (uint32_t)strlen(motd);

	case_begin(&cx, outdir, "version_downgrade", &o, "9P2000");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	build_tversion(&s.m, MSG_MSIZE, "9P2000.u");
	sess_send(&s, CLIENT);
	build_rversion(&s.m, MSG_MSIZE, "9P2000");
	sess_send(&s, SERVER);
	build_tattach(&s.m, 1, ROOT_FID, NINEP_NOFID, "glenda", "", 0, 0);
	sess_send(&s, CLIENT);
	build_rattach(&s.m, 1, root_qid);
	sess_send(&s, SERVER);

	build_twalk(&s.m, 1, ROOT_FID, WALK_FID, 2, motd_path);
	sess_send(&s, CLIENT);
	build_rwalk(&s.m, 1, 2, motd_walk);
	sess_send(&s, SERVER);
	msg_begin(&s.m, NINEP_Tstat, 1);
	msg_u32(&s.m, WALK_FID);
	msg_end(&s.m);
	sess_send(&s, CLIENT);
	{
		struct stat_rec st = file_stat("motd", motd_qid, PERM_0644, motd_len);
		msg_begin(&s.m, NINEP_Rstat, 1);
		msg_stat_n(&s.m, &st, 0);
		msg_end(&s.m);
	}
	sess_send(&s, SERVER);
	clunk(&s, WALK_FID);

	build_twalk(&s.m, 1, ROOT_FID, MISSING_FID, 1, missing_path);
	sess_send(&s, CLIENT);
	send_rerror(&s, 1, "file does not exist", 0, 0);
	clunk(&s, ROOT_FID);
	sess_end(&s, 1);
	case_end(&cx);
}

/*
 * A Tversion the server refuses with Rlerror (as a 9P2000.L server
 * refusing an msize it cannot serve would), after which the client goes
 * on anyway: attach, walk, getattr, clunk.  No dialect was agreed, so a
 * tool has to guess it from the messages (dialect "unknown").
 */
void case_version_refused(const char *outdir)
{
	struct case_ctx cx;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	struct sess s;
	static const char *const motd_path[] = {"etc", "motd"};
	const struct qid motd_walk[] = {lib_qid, motd_qid};

	case_begin(&cx, outdir, "version_refused", &o, "unknown");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	build_tversion(&s.m, MSG_MSIZE, "9P2000.L");
	sess_send(&s, CLIENT);
	build_rlerror(&s.m, NINEP_NOTAG, ERRNO_EINVAL);
	sess_send(&s, SERVER);
	build_tattach(&s.m, 1, ROOT_FID, NINEP_NOFID, "user", "/srv", 1, U_UID);
	sess_send(&s, CLIENT);
	build_rattach(&s.m, 1, root_qid);
	sess_send(&s, SERVER);
	build_twalk(&s.m, 1, ROOT_FID, WALK_FID, 2, motd_path);
	sess_send(&s, CLIENT);
	build_rwalk(&s.m, 1, 2, motd_walk);
	sess_send(&s, SERVER);
	build_tgetattr(&s.m, 1, WALK_FID, L_GETATTR_BASIC);
	sess_send(&s, CLIENT);
	l_rgetattr(&s.m, 1, motd_qid, L_S_IFREG | PERM_0644, strlen(motd));
	sess_send(&s, SERVER);
	clunk(&s, WALK_FID);
	clunk(&s, ROOT_FID);
	sess_end(&s, 1);
	case_end(&cx);
}

/*
 * 9P2000.e: Tsread of a directory, whose Rsread holds stat records back to
 * back as a directory Rread does (read(5)), then Tsread of a file, whose
 * Rsread holds its text.  The Rsread itself does not say which it is.
 */
void case_sread_directory(const char *outdir)
{
	struct case_ctx cx;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	struct sess s;
	static const char *const lib_path[] = {"lib"};
	static const char *const motd_path[] = {"lib", "motd"};
	const uint32_t motd_len = (uint32_t)strlen(motd);

	case_begin(&cx, outdir, "sread_directory", &o, "9P2000.e");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	version(&s, "9P2000.e");
	build_tattach(&s.m, 1, ROOT_FID, NINEP_NOFID, "erlang", "", 0, 0);
	sess_send(&s, CLIENT);
	build_rattach(&s.m, 1, root_qid);
	sess_send(&s, SERVER);

	build_tsread(&s.m, 1, ROOT_FID, 1, lib_path);
	sess_send(&s, CLIENT);
	{
		struct buf dir;
		struct stat_rec a = file_stat("motd", motd_qid, PERM_0644, motd_len);
		struct stat_rec b = file_stat("profile", profile_qid, PERM_0755, 0);
		buf_init(&dir, MSG_CEILING);
		msg_stat(&dir, &a, 0);
		msg_stat(&dir, &b, 0);
		build_rsread(&s.m, 1, dir.data, (uint32_t)dir.len);
		buf_free(&dir);
	}
	sess_send(&s, SERVER);

	build_tsread(&s.m, 1, ROOT_FID, 2, motd_path);
	sess_send(&s, CLIENT);
	build_rsread(&s.m, 1, motd, motd_len);
	sess_send(&s, SERVER);
	clunk(&s, ROOT_FID);
	sess_end(&s, 1);

	cx.lg.e_sessions = 1; /* one connection, no Tsession: its own session */
	case_end(&cx);
}
