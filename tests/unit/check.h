/* Minimal test harness: each test binary lists its tests in TESTS(), prints one line per
 * test and a closing "RESULT <passed> <failed>" line that tests/run.sh adds up. */
#ifndef VNF_CHECK_H
#define VNF_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_failed_in_test;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			check_failed_in_test++;                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_EQ_U(a, b)                                                                           \
	do {                                                                                       \
		unsigned long long check_a_ = (unsigned long long)(a);                             \
		unsigned long long check_b_ = (unsigned long long)(b);                             \
		if (check_a_ != check_b_) {                                                        \
			fprintf(stderr,                                                            \
				"  %s:%d: %s == %s failed: %llu (0x%llx) != %llu (0x%llx)\n",      \
				__FILE__, __LINE__, #a, #b, check_a_, check_a_, check_b_,          \
				check_b_);                                                         \
			check_failed_in_test++;                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *check_sa_ = (a), *check_sb_ = (b);                                     \
		if (!check_sa_ || !check_sb_ || strcmp(check_sa_, check_sb_) != 0) {               \
			fprintf(stderr, "  %s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__,  \
				__LINE__, #a, #b, check_sa_ ? check_sa_ : "(null)",                \
				check_sb_ ? check_sb_ : "(null)");                                 \
			check_failed_in_test++;                                                    \
		}                                                                                  \
	} while (0)

struct check_test {
	const char *name;
	void (*fn)(void);
};

#define TEST(fn)                                                                                   \
	{                                                                                          \
#fn, fn                                                                            \
	}

/* Runs the tests named on the command line, or all of them. */
static inline int check_run(const char *suite, const struct check_test *tests, size_t n, int argc,
			    char **argv)
{
	int passed = 0, failed = 0;
	for (size_t i = 0; i < n; i++) {
		if (argc > 1) {
			int wanted = 0;
			for (int a = 1; a < argc; a++)
				wanted |= strcmp(argv[a], tests[i].name) == 0;
			if (!wanted)
				continue;
		}
		check_failed_in_test = 0;
		tests[i].fn();
		if (check_failed_in_test) {
			failed++;
			printf("FAIL %s.%s\n", suite, tests[i].name);
		} else {
			passed++;
			printf("ok   %s.%s\n", suite, tests[i].name);
		}
		fflush(stdout);
	}
	printf("RESULT %d %d\n", passed, failed);
	return failed ? 1 : 0;
}

#define CHECK_MAIN(suite, ...)                                                                     \
	int main(int argc, char **argv)                                                            \
	{                                                                                          \
		static const struct check_test tests_[] = { __VA_ARGS__ };                         \
		return check_run(suite, tests_, sizeof(tests_) / sizeof(tests_[0]), argc, argv);   \
	}

#endif
