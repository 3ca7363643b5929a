/* vnfctl netmap tune's arithmetic (vnfctl/netmap_tune.c, pure), against values computed by
 * hand from netmap's rules (sys/dev/netmap/netmap_mem2.c: netmap_mem_private_new,
 * netmap_config_obj_allocator, the default pools), not from the program's output.
 * vnfctl's objects are not in libvnfdp, so the one pure file is compiled in here. */
#include <errno.h>
#include <string.h>
#include "check.h"
#include "netmap_tune.h"

static struct netmap_tune t;
static char err[256];

static int tune(unsigned slots, unsigned rings, unsigned pipes, unsigned extra, unsigned ports)
{
	struct netmap_tune_req r = { slots, rings, pipes, extra, ports };
	return netmap_tune_compute(&r, &t, err, sizeof(err));
}

#define VAL(i)	t.p[i].value
#define NEED(i) t.p[i].need

/* One port, one ring pair of 1024 slots: netmap's defaults cover everything. */
static void t_defaults_cover_small(void)
{
	CHECK(tune(1024, 1, 0, 0, 1) == 0);
	CHECK_STR(t.p[NT_RING_SIZE].name, "ring_size");
	CHECK_EQ_U(NEED(NT_RING_SIZE), 256 + 16 * 1024); /* 16640, a multiple of 64 */
	CHECK_EQ_U(VAL(NT_RING_SIZE), 36864);		 /* 9 pages, the default */
	CHECK_EQ_U(NEED(NT_RING_NUM), 4);		 /* 2 x (1 + host) */
	CHECK_EQ_U(VAL(NT_RING_NUM), 200);
	CHECK_EQ_U(NEED(NT_BUF_NUM), 2 * 1024 * 2 + 2); /* 4098 */
	CHECK_EQ_U(VAL(NT_BUF_NUM), 163840);
	CHECK_EQ_U(VAL(NT_BUF_SIZE), 2048);
	CHECK_EQ_U(NEED(NT_IF_SIZE), 128); /* 56 + 8 x 4 = 88, rounded to 64 */
	CHECK_EQ_U(VAL(NT_IF_SIZE), 1024);
	CHECK_EQ_U(NEED(NT_IF_NUM), 3);
	CHECK_EQ_U(VAL(NT_IF_NUM), 100);
	/* a VALE port: netmap sizes it itself (2 pipes: 20 rings, 20482 buffers, 10 ifs) */
	CHECK_EQ_U(VAL(NT_PRIV_RING_SIZE), 20480);
	CHECK_EQ_U(VAL(NT_PRIV_RING_NUM), 4);
	CHECK_EQ_U(VAL(NT_PRIV_BUF_NUM), 4098);
	CHECK_EQ_U(VAL(NT_PRIV_IF_NUM), 2);
	CHECK_EQ_U(VAL(NT_PRIV_IF_SIZE), 1024);
	/* 200 x 36864 + 163840 x 2048 + 100 x 1024 */
	CHECK_EQ_U(t.global_bytes, 7372800ULL + 335544320ULL + 102400ULL);
	/* 20 x 20480 + 20482 x 2048 + 10 x 1024 */
	CHECK_EQ_U(t.port_bytes, 409600ULL + 41947136ULL + 10240ULL);
}

/* Two NICs, 4 ring pairs of 4096 slots, 4 pipes and 10000 extra buffers each. */
static void t_big_topology(void)
{
	CHECK(tune(4096, 4, 4, 10000, 2) == 0);
	CHECK_EQ_U(VAL(NT_RING_SIZE), 65792); /* 256 + 65536 = 256 x 257: 16 per cluster */
	CHECK_EQ_U(NEED(NT_RING_NUM), 84);    /* 2 x (2 x 5 + 8 x 4) */
	CHECK_EQ_U(VAL(NT_RING_NUM), 200);
	/* 2 x (2 x 4096 x (5 + 16) + 10000) + 2 */
	CHECK_EQ_U(VAL(NT_BUF_NUM), 364066);
	CHECK_EQ_U(NEED(NT_IF_SIZE), 192); /* 56 + 8 x 10 = 136 -> 192 */
	CHECK_EQ_U(NEED(NT_IF_NUM), 44);   /* 2 x (4 + 2 + 16) */
	CHECK_EQ_U(VAL(NT_IF_NUM), 100);
	/* one VALE port: netmap's own 2 pipes give 26 rings, 106498 buffers, 10 ifs */
	CHECK_EQ_U(VAL(NT_PRIV_RING_SIZE), 20480); /* netmap sizes rings per port */
	CHECK_EQ_U(VAL(NT_PRIV_RING_NUM), 42);
	CHECK_EQ_U(VAL(NT_PRIV_BUF_NUM), 182034); /* 2 x 4096 x 21 + 10000 + 2 */
	CHECK_EQ_U(VAL(NT_PRIV_IF_NUM), 22);
}

/* Pool objects must fill whole pages within a 4 MiB cluster: 4092 slots take 65728 bytes =
 * 64 x 1027, which needs 64 objects (4206592 bytes > 4 MiB), so netmap would refuse it; the
 * next size that fits is 65792. */
static void t_cluster_rounding(void)
{
	CHECK_EQ_U(netmap_tune_objsize(65728), 65792);
	CHECK_EQ_U(netmap_tune_objsize(16640), 16640);
	CHECK_EQ_U(netmap_tune_objsize(88), 128);
	CHECK(tune(4092, 1, 0, 0, 1) == 0);
	CHECK_EQ_U(VAL(NT_RING_SIZE), 65792);
	CHECK(strstr(t.p[NT_RING_SIZE].why, "65728") != NULL);
	/* 8000 slots: 128256 = 256 x 501, 16 per cluster */
	CHECK(tune(8000, 2, 0, 0, 1) == 0);
	CHECK_EQ_U(VAL(NT_RING_SIZE), 128256);
	CHECK_EQ_U(NEED(NT_BUF_NUM), 2 * 8000 * 3 + 2);
	/* the largest ring: 256 + 16 x 8176 = 131072 = 32 pages */
	CHECK(tune(8176, 1, 0, 0, 1) == 0);
	CHECK_EQ_U(VAL(NT_RING_SIZE), 131072);
}

static void t_limits(void)
{
	/* 2 x (2 x 2 + 8 x 64) = 1032 rings > 1024 */
	CHECK(tune(1024, 1, 64, 0, 2) == -E2BIG);
	CHECK(strstr(err, "ring_num") && strstr(err, "1032"));
	/* 4 x 2 x 8176 x 17 = 1111936 (+2) buffers > 1000000 */
	CHECK(tune(8176, 16, 0, 0, 4) == -E2BIG);
	CHECK(strstr(err, "buf_num") != NULL);
	CHECK(tune(0, 1, 0, 0, 1) == -EINVAL);
	CHECK(tune(8177, 1, 0, 0, 1) == -EINVAL);
	CHECK(tune(1024, 0, 0, 0, 1) == -EINVAL);
	CHECK(tune(1024, 1, 65, 0, 1) == -EINVAL);
	CHECK(tune(1024, 1, 0, 0, 0) == -EINVAL);
}

/* What priv_buf_num must be when a persistent port is made with room for extra buffers:
 * netmap's own (4 x 2 pipes + rings + 1) x slots x 2 + 2, plus the extra. */
static void t_vale_bufs(void)
{
	CHECK_EQ_U(netmap_tune_vale_bufs(1, 1024, 1000), 2 * 1024 * 10 + 2 + 1000);
	CHECK_EQ_U(netmap_tune_vale_bufs(0, 0, 0), 20482); /* netmap's defaults: 1, 1024 */
	CHECK_EQ_U(netmap_tune_vale_bufs(4, 2048, 0), 2 * 2048 * 13 + 2);
	CHECK_EQ_U(netmap_tune_vale_bufs(99, 99999, 0), 2 * 4096 * 25 + 2); /* bounded 16, 4096 */
}

CHECK_MAIN("netmap_tune", TEST(t_defaults_cover_small), TEST(t_big_topology),
	   TEST(t_cluster_rounding), TEST(t_limits), TEST(t_vale_bufs))
