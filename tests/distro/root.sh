# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the tests/distro checks: a fresh Debian root made by mmdebstrap
# from this machine's archive addresses, a clean clone of the repository in
# it, its mounts, and running commands in it. The caller runs in a private
# mount namespace (distro_private_ns) so the mounts end with it.
#
# Callers set: prog (name for messages), top (the repository), suite, keep.

die() { echo "$prog: $*" >&2; exit 1; }
say() { echo "$prog: $*"; }

# distro_private_ns ARGS...: re-exec the caller in a private mount namespace.
distro_private_ns() {
	if [ -z "${NUMACMA_DISTRO_NS:-}" ]; then
		NUMACMA_DISTRO_NS=1 exec unshare --mount --propagation private "$0" "$@"
	fi
}

distro_mounted=()
distro_cleanup() {
	local i
	for ((i = ${#distro_mounted[@]} - 1; i >= 0; i--)); do
		umount -R "${distro_mounted[i]}" 2>/dev/null || umount -lR "${distro_mounted[i]}" 2>/dev/null || true
	done
	if [ "$keep" = 1 ]; then say "kept $distro_work"; else rm -rf "$distro_work"; fi
}

# distro_tmpfs=1 (set before distro_make_root with a TARBALL_DIR): the root
# in memory, a tmpfs in this private mount namespace (it ends with it), for
# dpkg's speed; not with keep=1.
distro_tmpfs=0

# distro_make_root LOG [TARBALL_DIR]: mmdebstrap SUITE (minbase: what every
# Debian system has) into $root; sets distro_work and root, installs the
# cleanup trap. With TARBALL_DIR, mmdebstrap's output is kept there as a
# tarball (minbase-SUITE-KEY.tar, KEY: the suite's sources and mmdebstrap's
# version) for a week and unpacked again: the same untouched minbase root,
# without its minute of mmdebstrap.
distro_make_root() {
	local log=$1 tardir=${2:-} sources t0 key tarball
	distro_work=$(mktemp -d "${TMPDIR:-/tmp}/numacma-distro.XXXXXX")
	root=$distro_work/root
	trap distro_cleanup EXIT
	mapfile -t sources < <("$top/tests/distro/archive-sources" "$suite")
	[ ${#sources[@]} -gt 0 ] || die "no archive address for $suite in this machine's apt sources"
	t0=$SECONDS
	if [ -n "$tardir" ]; then
		key=$( { echo "$suite minbase"; mmdebstrap --version; printf '%s\n' "${sources[@]}"; } | sha256sum | cut -c1-12)
		tarball=$tardir/minbase-$suite-$key.tar
		mkdir -p "$tardir"
		if [ -f "$tarball" ] && [ -z "$(find "$tarball" -mtime +6)" ]; then
			distro_mkroot
			tar -C "$root" -xf "$tarball"
			say "root unpacked from ${tarball#"$top"/} (made $(date -r "$tarball" +%F) by mmdebstrap $suite minbase) in $((SECONDS - t0)) s"
		else
			say "mmdebstrap $suite (minbase) from this machine's archive (kept as ${tarball#"$top"/})"
			rm -f "$tardir/minbase-$suite-"*.tar
			nice -n 10 mmdebstrap --quiet --mode=root --variant=minbase --format=tar \
				"$suite" "$tarball.tmp" "${sources[@]}" > "$log" 2>&1 ||
				{ tail -30 "$log"; rm -f "$tarball.tmp"; die "mmdebstrap failed"; }
			mv "$tarball.tmp" "$tarball"
			distro_mkroot
			tar -C "$root" -xf "$tarball"
			say "root made in $((SECONDS - t0)) s"
		fi
	else
		say "mmdebstrap $suite (minbase) from this machine's archive"
		nice -n 10 mmdebstrap --quiet --mode=root --variant=minbase --format=directory \
			"$suite" "$root" "${sources[@]}" > "$log" 2>&1 ||
			{ tail -30 "$log"; die "mmdebstrap failed"; }
		say "root made in $((SECONDS - t0)) s"
	fi
	say "the root: $(. "$root/etc/os-release" && echo "$PRETTY_NAME")"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
}

# distro_mkroot: the (empty) root directory; a tmpfs when distro_tmpfs=1 and
# not keep (it goes with the namespace).
distro_mkroot() {
	mkdir "$root"
	if [ "$distro_tmpfs" = 1 ] && [ "$keep" != 1 ]; then
		mount -t tmpfs -o size=16g,mode=0755 numacma-root "$root"
		distro_mounted+=("$root")
	fi
}

# distro_readme_commands: the README's first two commands, as written there
# (its first two indented lines), into readme_cmds.
distro_readme_commands() {
	mapfile -t readme_cmds < <(awk '/^    [^ ]/ { sub(/^    /, ""); if (n++ < 2) print }' "$root/root/numacma/README.md")
	[ ${#readme_cmds[@]} -eq 2 ] || die "cannot find the README's first two commands"
	case ${readme_cmds[1]} in
	tests/run-tests) ;;
	*) die "the README's second command is '${readme_cmds[1]}', not tests/run-tests: update this script" ;;
	esac
}

# distro_clone: a clean clone of HEAD at /root/numacma (uncommitted changes
# are not in it), and the test equipment kept beside the repository
# (Fedora's real grubby) beside it, where CI has it. Sets commit.
distro_clone() {
	commit=$(git -C "$top" rev-parse HEAD)
	[ -z "$(git -C "$top" status --porcelain --untracked-files=no)" ] ||
		say "note: the work tree has uncommitted changes; the clone has HEAD ($commit) only"
	git clone -q --no-hardlinks "$top" "$root/root/numacma"
	git -C "$root/root/numacma" checkout -q --detach "$commit"
	say "cloned $commit into /root/numacma"
	if [ -d "$top/../shared/tools/grubby-bls" ]; then
		mkdir -p "$root/root/shared/tools"
		cp -a "$top/../shared/tools/grubby-bls" "$root/root/shared/tools/"
		say "copied ../shared/tools/grubby-bls beside it"
	fi
}

# distro_mount ARCHIVES: /proc, /sys, /dev, and ARCHIVES as apt's package
# cache (downloads kept for the next run).
distro_mount() {
	mkdir -p "$1/partial"
	# The root on itself first: a chroot whose / is no mount point cannot
	# make its own mount namespaces (unshare -m makes / private: EINVAL).
	mount --bind "$root" "$root"; distro_mounted+=("$root")
	mount -t proc proc "$root/proc"; distro_mounted+=("$root/proc")
	mount -t sysfs sys "$root/sys"; distro_mounted+=("$root/sys")
	mount --rbind /dev "$root/dev"; distro_mounted+=("$root/dev")
	mount --bind "$1" "$root/var/cache/apt/archives"; distro_mounted+=("$root/var/cache/apt/archives")
}

# in_root COMMAND...: run in the root with a clean environment.
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 TERM=dumb "$@"
}
