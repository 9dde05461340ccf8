/* SPDX-License-Identifier: BSD-3-Clause */
/* Security associations: cryptodev sessions and rte_ipsec SAs, by slot (see dp_sa.h). */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_cryptodev.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ipsec.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>

#include "dp_sa.h"
#include "ha_log.h"

#define GCM_SALT_LEN 4
#define GCM_IV_LEN 12                 /* salt + the 8-byte IV on the wire (RFC 4106 §4) */
#define CBC_IV_LEN 16
#define QP_DESC 512

const char *
dp_sa_alg_name(uint8_t alg)
{
	switch (alg) {
	case CFG_ALG_NULL: return "null";
	case CFG_ALG_AES128_GCM: return "aes-128-gcm";
	case CFG_ALG_AES256_GCM: return "aes-256-gcm";
	case CFG_ALG_AES128_CBC_SHA1: return "aes-128-cbc-hmac-sha1";
	case CFG_ALG_AES128_CBC_SHA256: return "aes-128-cbc-hmac-sha256";
	default: return "?";
	}
}

static void
cipher_auth(const struct cfg_sa *c, struct rte_crypto_sym_xform xf[2], bool in,
	    enum rte_crypto_cipher_algorithm calg, uint16_t iv_len,
	    enum rte_crypto_auth_algorithm aalg, uint16_t digest)
{
	struct rte_crypto_sym_xform *ci, *au;

	/* rte_ipsec wants AUTH then CIPHER inbound (verify, decrypt), the reverse outbound */
	au = in ? &xf[0] : &xf[1];
	ci = in ? &xf[1] : &xf[0];
	ci->type = RTE_CRYPTO_SYM_XFORM_CIPHER;
	ci->cipher.algo = calg;
	ci->cipher.op = in ? RTE_CRYPTO_CIPHER_OP_DECRYPT : RTE_CRYPTO_CIPHER_OP_ENCRYPT;
	ci->cipher.key.data = c->key;
	ci->cipher.key.length = calg == RTE_CRYPTO_CIPHER_NULL ? 0 : c->key_len;
	ci->cipher.iv.offset = DP_SA_IV_OFS;
	ci->cipher.iv.length = iv_len;
	au->type = RTE_CRYPTO_SYM_XFORM_AUTH;
	au->auth.algo = aalg;
	au->auth.op = in ? RTE_CRYPTO_AUTH_OP_VERIFY : RTE_CRYPTO_AUTH_OP_GENERATE;
	au->auth.key.data = c->auth_key;
	au->auth.key.length = aalg == RTE_CRYPTO_AUTH_NULL ? 0 : c->auth_key_len;
	au->auth.digest_length = digest;
	xf[0].next = &xf[1];
	xf[1].next = NULL;
}

int
dp_sa_prm_fill(const struct cfg_sa *c, struct rte_crypto_sym_xform xf[2],
	       struct rte_ipsec_sa_prm *prm)
{
	bool in = c->dir == CFG_SA_IN;

	memset(xf, 0, 2 * sizeof(xf[0]));
	memset(prm, 0, sizeof(*prm));
	switch (c->alg) {
	case CFG_ALG_AES128_GCM:
	case CFG_ALG_AES256_GCM:
		if (c->key_len <= GCM_SALT_LEN)
			return -EINVAL;
		xf[0].type = RTE_CRYPTO_SYM_XFORM_AEAD;
		xf[0].aead.algo = RTE_CRYPTO_AEAD_AES_GCM;
		xf[0].aead.op = in ? RTE_CRYPTO_AEAD_OP_DECRYPT : RTE_CRYPTO_AEAD_OP_ENCRYPT;
		xf[0].aead.key.data = c->key;
		xf[0].aead.key.length = (uint16_t)(c->key_len - GCM_SALT_LEN);
		xf[0].aead.iv.offset = DP_SA_IV_OFS;
		xf[0].aead.iv.length = GCM_IV_LEN;
		xf[0].aead.digest_length = 16;
		/* RFC 4106 §5: SPI + 32-bit sequence, or SPI + 64-bit ESN */
		xf[0].aead.aad_length = c->esn ? 12 : 8;
		xf[0].next = NULL;
		/* the salt as it appears after the key: rte_ipsec stores it in memory order */
		memcpy(&prm->ipsec_xform.salt, c->key + c->key_len - GCM_SALT_LEN, GCM_SALT_LEN);
		break;
	case CFG_ALG_AES128_CBC_SHA1:
		cipher_auth(c, xf, in, RTE_CRYPTO_CIPHER_AES_CBC, CBC_IV_LEN,
			    RTE_CRYPTO_AUTH_SHA1_HMAC, 12);
		break;
	case CFG_ALG_AES128_CBC_SHA256:
		cipher_auth(c, xf, in, RTE_CRYPTO_CIPHER_AES_CBC, CBC_IV_LEN,
			    RTE_CRYPTO_AUTH_SHA256_HMAC, 16);
		break;
	case CFG_ALG_NULL:
		cipher_auth(c, xf, in, RTE_CRYPTO_CIPHER_NULL, 0, RTE_CRYPTO_AUTH_NULL, 0);
		break;
	default:
		return -EINVAL;
	}
	prm->userdata = c->spi;
	prm->crypto_xform = &xf[0];
	prm->ipsec_xform.spi = c->spi;
	prm->ipsec_xform.direction = in ? RTE_SECURITY_IPSEC_SA_DIR_INGRESS :
					  RTE_SECURITY_IPSEC_SA_DIR_EGRESS;
	prm->ipsec_xform.proto = RTE_SECURITY_IPSEC_SA_PROTO_ESP;
	/* transport over the 20-byte IPv4 template: see dp_sa.h */
	prm->ipsec_xform.mode = RTE_SECURITY_IPSEC_SA_MODE_TRANSPORT;
	prm->trs.proto = IPPROTO_IPIP;
	prm->ipsec_xform.options.esn = c->esn ? 1 : 0;
	/* after a restart: outbound, the first sequence number (above all ever used) */
	prm->ipsec_xform.esn.value = in ? 0 : c->seq_start;
	prm->ipsec_xform.replay_win_sz = in ? c->replay_window : 0;
	/* outbound payload SAs are used by every worker: rte_ipsec updates the sequence
	 * number atomically; inbound SAs are steered to one lcore (dp_esp_in) */
	if (!in)
		prm->flags = RTE_IPSEC_SAFLAG_SQN_ATOM;
	return 0;
}

/* The crypto device's id: probed by EAL (--vdev) or created here from its vdev spec. */
static int
crypto_dev_probe(struct dp_sadb *db, const char *spec)
{
	const char *comma = strchr(spec, ',');
	size_t nlen = comma != NULL ? (size_t)(comma - spec) : strlen(spec);
	int id;

	snprintf(db->dev_name, sizeof(db->dev_name), "%.*s", (int)nlen, spec);
	id = rte_cryptodev_get_dev_id(db->dev_name);
	if (id < 0) {
		char args[CFG_DEVICE_MAX + 32];
		int rc;

		/* the PMD offers 8 queue pairs unless told otherwise: one per lcore here */
		if (strstr(spec, "max_nb_queue_pairs") != NULL)
			snprintf(args, sizeof(args), "%s", spec);
		else
			snprintf(args, sizeof(args), "%s,max_nb_queue_pairs=%u", spec,
				 RTE_MAX(db->n_qps, 8u));
		rc = rte_dev_probe(args);

		if (rc != 0) {
			DP_LOG(ERR, "crypto device %s: %s (is the intel-ipsec-mb PMD installed?)",
			       spec, strerror(-rc));
			return rc;
		}
		id = rte_cryptodev_get_dev_id(db->dev_name);
		if (id < 0)
			return -ENODEV;
	}
	db->dev_id = (uint8_t)id;
	return 0;
}

/*
 * With a million SAs every SA's crypto session is a cache miss per packet, and the session
 * of crypto_aesni_mb (DPDK 22.11, intel-ipsec-mb 1.3: 64-byte header + 1,408-byte private
 * part, 23 lines) is read in a few scattered places only. Prefetching all 23 lines was
 * slower than prefetching the header alone (the misses a core keeps in flight are few, and
 * unread lines took their places); prefetching the ones AES-GCM reads was the fastest
 * (README, "ESP at scale, part 3"). Those, as offsets in the session (header included):
 *   64-111     the private part's own fields (chain order, IV, cipher mode, key length)
 *   112-287    AES-128's key schedule (11 round keys; AES-256: 15, to 351)
 *   1024-1119  the GHASH keys H^6..H^1 a short packet uses: the VAES key table holds
 *              H^48..H^1 in that order, so the last ones
 *   1120-1135  the hash algorithm and operation (same line as H^1)
 *   1408-1425  the digest lengths and the AAD length
 * A different size means a different layout: then only the header and the first private
 * line.
 */
#define AESNI_MB_PRIV_22_11 1408u

uint32_t
dp_sa_session_lines(const char *driver, uint32_t priv_size, enum cfg_sa_alg alg)
{
	const uint32_t hdr = 0x3u;                            /* lines 0, 1 */
	const uint32_t gcm_tail = (1u << 16) | (1u << 17) | (1u << 22);

	if (driver == NULL || strcmp(driver, "crypto_aesni_mb") != 0 ||
	    priv_size != AESNI_MB_PRIV_22_11)
		return hdr;
	switch (alg) {
	case CFG_ALG_AES128_GCM:
		return 0x1fu | gcm_tail;                      /* lines 0-4 */
	case CFG_ALG_AES256_GCM:
		return 0x3fu | gcm_tail;                      /* lines 0-5 */
	default:
		return hdr;
	}
}

/* Configure it: one queue pair per lcore (the asynchronous path), then start. */
static int
crypto_dev_open(struct dp_sadb *db, const char *spec)
{
	struct rte_cryptodev_config conf = { .socket_id = db->socket,
					     .nb_queue_pairs = db->n_qps };
	struct rte_cryptodev_qp_conf qp = { .nb_descriptors = QP_DESC };
	struct rte_cryptodev_info info;
	uint16_t q;
	(void)spec;
	rte_cryptodev_info_get(db->dev_id, &info);
	snprintf(db->driver, sizeof(db->driver), "%s", info.driver_name);
	db->ses_priv = rte_cryptodev_sym_get_private_session_size(db->dev_id);
	if (!(info.feature_flags & RTE_CRYPTODEV_FF_SYM_CPU_CRYPTO)) {
		DP_LOG(ERR, "crypto device %s (%s): no synchronous CPU crypto", db->dev_name,
		       info.driver_name);
		return -ENOTSUP;
	}
	if (info.max_nb_queue_pairs < db->n_qps) {
		DP_LOG(ERR, "crypto device %s: %u queue pairs, %u lcores need one each",
		       db->dev_name, info.max_nb_queue_pairs, db->n_qps);
		return -ENOSPC;
	}
	if (rte_cryptodev_configure(db->dev_id, &conf) != 0)
		return -EIO;
	qp.mp_session = db->ses_pool;
	for (q = 0; q < db->n_qps; q++)
		if (rte_cryptodev_queue_pair_setup(db->dev_id, q, &qp, db->socket) != 0)
			return -EIO;
	if (rte_cryptodev_start(db->dev_id) != 0)
		return -EIO;
	db->started = true;
	return 0;
}

struct dp_sadb *
dp_sadb_create(const struct dp_sadb_params *p)
{
	struct dp_sadb *db = rte_zmalloc_socket("dp_sadb", sizeof(*db), 0, p->socket);
	char name[RTE_MEMPOOL_NAMESIZE];
	uint32_t i;

	if (db == NULL)
		return NULL;
	db->cap = p->capacity;
	db->socket = p->socket;
	db->qsv = p->qsv;
	db->sa = rte_zmalloc_socket("dp_sa", sizeof(db->sa[0]) * db->cap, 0, p->socket);
	db->free = rte_malloc_socket("dp_sa_free", sizeof(db->free[0]) * db->cap, 0, p->socket);
	if (db->sa == NULL || db->free == NULL)
		goto fail;
	for (i = 0; i < db->cap; i++)
		db->free[i] = db->cap - 1 - i;
	db->n_free = db->cap;
	db->n_qps = p->n_lcores > 0 ? p->n_lcores : 1;
	db->seq_off = rte_mbuf_dynfield_register(&(const struct rte_mbuf_dynfield){
		.name = "dsmip_esp_seq", .size = sizeof(uint64_t), .align = __alignof__(uint64_t) });
	if (db->seq_off < 0)
		goto fail;
	db->ctr = rte_zmalloc_socket("dp_sa_ctr", sizeof(db->ctr[0]) * db->n_qps, 0, p->socket);
	if (db->ctr == NULL)
		goto fail;
	for (i = 0; i < db->n_qps; i++) {
		db->ctr[i] = rte_zmalloc_socket("dp_sa_ctr", sizeof(db->ctr[i][0]) * db->cap,
						RTE_CACHE_LINE_SIZE, p->socket);
		if (db->ctr[i] == NULL)
			goto fail;
	}
	if (crypto_dev_probe(db, p->crypto_dev) != 0)
		goto fail;
	snprintf(name, sizeof(name), "dp_sa_ses%u", db->dev_id);
	db->ses_pool = rte_cryptodev_sym_session_pool_create(name, db->cap,
		rte_cryptodev_sym_get_private_session_size(db->dev_id), 0, 0, p->socket);
	snprintf(name, sizeof(name), "dp_sa_ops%u", db->dev_id);
	/* a burst in flight per lcore at most; the IV of the asynchronous path follows the op */
	db->op_pool = rte_crypto_op_pool_create(name, RTE_CRYPTO_OP_TYPE_SYMMETRIC,
		(unsigned int)db->n_qps * 2 * 64 + 64, 0, DP_SA_IV_PRIV, p->socket);
	if (db->ses_pool == NULL || db->op_pool == NULL) {
		DP_LOG(ERR, "crypto session pool for %u SAs: %s", db->cap,
		       rte_strerror(rte_errno));
		goto fail;
	}
	if (crypto_dev_open(db, p->crypto_dev) != 0)
		goto fail;
	DP_LOG(INFO, "ESP: %s, CPU crypto, room for %u SAs, %u-byte sessions", db->dev_name,
	       db->cap, db->ses_pool->elt_size);
	return db;
fail:
	dp_sadb_free(db);
	return NULL;
}

void
dp_sadb_stop(struct dp_sadb *db)
{
	if (db == NULL || !db->started)
		return;
	rte_cryptodev_stop(db->dev_id);
	db->started = false;
}

void
dp_sadb_free(struct dp_sadb *db)
{
	uint32_t i;

	if (db == NULL)
		return;
	db->qsv = NULL;   /* nobody reads any more */
	for (i = 0; db->sa != NULL && i < db->cap; i++)
		if (db->sa[i] != NULL)
			dp_sa_del(db, i);
	dp_sadb_stop(db);
	rte_mempool_free(db->op_pool);
	rte_mempool_free(db->ses_pool);
	for (i = 0; db->ctr != NULL && i < db->n_qps; i++)
		rte_free(db->ctr[i]);
	rte_free(db->ctr);
	rte_free(db->sa);
	rte_free(db->free);
	rte_free(db);
}

static void
sa_destroy(struct dp_sadb *db, struct dp_sa *s)
{
	if (s->crypto != NULL)
		rte_cryptodev_sym_session_free(db->dev_id, s->crypto);
	if (s->sa != NULL) {
		rte_ipsec_sa_fini(s->sa);
		rte_free(s->sa);
	}
	rte_free(s->rw);
	rte_free(s);
}

int
dp_sa_add(struct dp_sadb *db, const struct cfg_sa *c, uint32_t mn,
	  const struct in6_addr *hoa6, uint16_t owner, uint32_t *slot)
{
	struct rte_crypto_sym_xform xf[2];
	struct rte_ipsec_sa_prm prm;
	struct dp_sa *s;
	int sz, rc;

	if (db->n_free == 0)
		return -ENOSPC;
	rc = dp_sa_prm_fill(c, xf, &prm);
	if (rc != 0)
		return rc;
	sz = rte_ipsec_sa_size(&prm);
	if (sz < 0)
		return sz;
	s = rte_zmalloc_socket("dp_sa", sizeof(*s), RTE_CACHE_LINE_SIZE, db->socket);
	if (s == NULL)
		return -ENOMEM;
	s->sa = rte_zmalloc_socket("dp_ipsec_sa", (size_t)sz, RTE_CACHE_LINE_SIZE, db->socket);
	if (s->sa == NULL) {
		rte_free(s);
		return -ENOMEM;
	}
	rc = rte_ipsec_sa_init(s->sa, &prm, (uint32_t)sz);
	if (rc < 0) {
		rte_free(s->sa);
		rte_free(s);
		return rc;
	}
	s->crypto = rte_cryptodev_sym_session_create(db->dev_id, prm.crypto_xform, db->ses_pool);
	if (s->crypto == NULL) {
		rc = rte_errno == ENOMEM ? -ENOSPC : -EINVAL;
		sa_destroy(db, s);
		return rc;
	}
	s->ses_lines = dp_sa_session_lines(db->driver, db->ses_priv, c->alg);
	/* rte_ipsec reads its SA's first two lines, and writes the third (the sequence number)
	 * and the fourth (its statistics) */
	s->ipsec_lines = (uint8_t)RTE_MIN(sz / RTE_CACHE_LINE_SIZE, 4);
	/*
	 * Outbound AES-CBC goes through crypto ops: with CPU crypto rte_ipsec 22.11 uses the
	 * same block as the IV field and as the CBC IV, which makes every packet's first
	 * ciphertext block E(K, 0) and equal plaintexts encrypt equally (RFC 3602 §3 wants an
	 * unpredictable IV). On the op path the CBC IV is ours to fill: dp_esp.c puts random
	 * bytes there. GCM's IV is the sequence number, which RFC 4106 §3.1 allows.
	 */
	s->async = c->dir == CFG_SA_OUT && (c->alg == CFG_ALG_AES128_CBC_SHA1 ||
					    c->alg == CFG_ALG_AES128_CBC_SHA256);
	s->seq_off = db->seq_off;
	if (c->dir == CFG_SA_IN && c->replay_window > 0) {
		s->rw = rte_zmalloc_socket("dp_replay", dp_replay_size(c->replay_window),
					   RTE_CACHE_LINE_SIZE, db->socket);
		if (s->rw == NULL) {
			sa_destroy(db, s);
			return -ENOMEM;
		}
		dp_replay_init(s->rw, c->replay_window, c->esn);
		dp_replay_resume(s->rw, c->seq_start);
	}
	s->ss.sa = s->sa;
	s->ss.type = s->async ? RTE_SECURITY_ACTION_TYPE_NONE :
				RTE_SECURITY_ACTION_TYPE_CPU_CRYPTO;
	s->ss.crypto.ses = s->crypto;
	s->ss.crypto.dev_id = db->dev_id;
	rc = rte_ipsec_session_prepare(&s->ss);
	if (rc != 0) {
		sa_destroy(db, s);
		return rc;
	}
	/* the crypto-op twin (dp_esp_process_groups): the same rte_ipsec SA, so sequence
	 * numbers and rte_ipsec's window are one whichever path a burst takes */
	s->ls = s->ss;
	if (!s->async) {
		s->ls.type = RTE_SECURITY_ACTION_TYPE_NONE;
		if (rte_ipsec_session_prepare(&s->ls) != 0)
			s->ls.sa = NULL;
	}
	s->spi = c->spi;
	s->gen = ++db->gen;
	s->seq_start = c->seq_start;
	s->cfg = *c;
	s->mn = mn;
	s->owner = owner;
	s->dir = (uint8_t)c->dir;
	s->role = (uint8_t)c->role;
	s->alg = (uint8_t)c->alg;
	s->esn = c->esn;
	s->replay_window = c->dir == CFG_SA_IN ? c->replay_window : 0;
	switch (c->alg) {
	case CFG_ALG_AES128_GCM:
	case CFG_ALG_AES256_GCM:
		s->iv_len = 8;
		s->icv_len = 16;
		s->pad_align = 4;
		break;
	case CFG_ALG_AES128_CBC_SHA1:
		s->iv_len = CBC_IV_LEN;
		s->icv_len = 12;
		s->pad_align = 16;
		break;
	case CFG_ALG_AES128_CBC_SHA256:
		s->iv_len = CBC_IV_LEN;
		s->icv_len = 16;
		s->pad_align = 16;
		break;
	default:
		s->iv_len = 0;
		s->icv_len = 0;
		s->pad_align = 4;
		break;
	}
	if (hoa6 != NULL)
		s->hoa6 = *hoa6;
	s->slot = db->free[--db->n_free];
	/* a reader that finds the slot sees a complete SA */
	__atomic_store_n(&db->sa[s->slot], s, __ATOMIC_RELEASE);
	/* workers read the count (dp_esp_prefetch_sas): one writer, relaxed */
	__atomic_store_n(&db->n, db->n + 1, __ATOMIC_RELAXED);
	*slot = s->slot;
	return 0;
}

int
dp_sa_del(struct dp_sadb *db, uint32_t slot)
{
	struct dp_sa *s = dp_sa_get(db, slot);
	uint16_t q;

	if (s == NULL)
		return -ENOENT;
	__atomic_store_n(&db->sa[slot], NULL, __ATOMIC_RELEASE);
	/* run-time removal is rare: wait for every worker to pass a loop boundary */
	if (db->qsv != NULL)
		rte_rcu_qsbr_synchronize(db->qsv, RTE_QSBR_THRID_INVALID);
	sa_destroy(db, s);
	/* nobody counts for this slot any more: the next SA starts from zero */
	for (q = 0; q < db->n_qps; q++)
		memset(&db->ctr[q][slot], 0, sizeof(db->ctr[q][slot]));
	db->free[db->n_free++] = slot;
	__atomic_store_n(&db->n, db->n - 1, __ATOMIC_RELAXED);
	return 0;
}

int
dp_sa_resume(struct dp_sadb *db, uint32_t slot, uint64_t seq)
{
	struct dp_sa *s = dp_sa_get(db, slot);
	struct rte_crypto_sym_xform xf[2];
	struct rte_ipsec_sa_prm prm;
	struct cfg_sa c;
	int sz, rc;

	if (s == NULL)
		return -ENOENT;
	if (s->dir == CFG_SA_IN) {
		if (s->rw != NULL && seq > s->rw->top)
			dp_replay_resume(s->rw, seq);
		s->seq_start = seq;
		return 0;
	}
	if (seq <= s->seq_start)
		return 0;
	c = s->cfg;
	c.seq_start = seq;
	rc = dp_sa_prm_fill(&c, xf, &prm);
	if (rc != 0)
		return rc;
	sz = rte_ipsec_sa_size(&prm);
	if (sz < 0)
		return sz;
	/* the same size as when created: initialised again in place, the crypto session kept */
	rc = rte_ipsec_sa_init(s->sa, &prm, (uint32_t)sz);
	if (rc < 0)
		return rc;
	rc = rte_ipsec_session_prepare(&s->ss);
	if (rc == 0 && s->ls.sa != NULL && !s->async)
		rc = rte_ipsec_session_prepare(&s->ls);
	if (rc != 0)
		return rc;
	s->seq_start = seq;
	s->cfg.seq_start = seq;
	return 0;
}

void
dp_sa_counters(const struct dp_sadb *db, uint32_t slot, struct dp_sa_ctr *sum)
{
	uint16_t q;

	memset(sum, 0, sizeof(*sum));
	if (slot >= db->cap)
		return;
	for (q = 0; q < db->n_qps; q++) {
		const struct dp_sa_ctr *c = &db->ctr[q][slot];

		sum->pkts += c->pkts;
		sum->bytes += c->bytes;
		sum->auth_fail += c->auth_fail;
		sum->replay += c->replay;
		sum->errors += c->errors;
	}
}
