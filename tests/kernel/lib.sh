# Shared helpers for tests/kernel/check and tests/kernel/boot-test (bash).
# Source it after setting `set -eu`. Everything lands under the cache dir:
#   $NUMACMA_CACHE (default: <repo>/.cache)/kernel/{src,build,out}
# Debian's source packages come through tests/vm/apt-suite (cached).

kt_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kt_repo=$(cd "$kt_here/../.." && pwd)
CACHE=${NUMACMA_CACHE:-$kt_repo/.cache}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
KC=$CACHE/kernel
JOBS=${KERNEL_JOBS:-2}
PATCHES=$kt_repo/patches/kernel

# Debian suite that carries linux-source-VER.
kt_suite() {
	case $1 in
	6.12) echo trixie ;;
	7.2) echo sid ;;
	*) echo "lib.sh: no suite known for linux-source-$1" >&2; return 1 ;;
	esac
}

kt_log() { printf '%s\n' "== $*" >&2; }

# kt_fetch VER: download linux-source-VER (cached) and unpack it once to
# $KC/src/linux-source-VER; prints the tree's path.
kt_fetch() {
	local ver=$1 suite deb tree stamp
	suite=$(kt_suite "$ver")
	mkdir -p "$CACHE/src" "$KC/src"
	(cd "$CACHE/src" && "$kt_repo/tests/vm/apt-suite" "$suite" amd64 "$CACHE/apt" \
		apt-get -q download "linux-source-$ver" >&2)
	deb=$(ls -t "$CACHE/src/linux-source-${ver}_"*_all.deb | sed -n 1p)
	[ -f "$deb" ] || { echo "lib.sh: linux-source-$ver not downloaded" >&2; return 1; }
	tree=$KC/src/linux-source-$ver
	stamp=$tree/.numacma-unpacked
	if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(basename "$deb")" ]; then
		kt_log "unpacking $(basename "$deb")"
		rm -rf "$tree" "$KC/src/pristine-$ver"
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO "./usr/src/linux-source-$ver.tar.xz" |
			tar -xJ -C "$KC/src"
		[ -f "$tree/Makefile" ] || { echo "lib.sh: $tree not unpacked" >&2; return 1; }
		basename "$deb" > "$stamp"
	fi
	echo "$tree"
}

# Patch names of series VER, comments dropped, in order.
kt_series() {
	grep -v '^[[:space:]]*#' "$PATCHES/$1/series" | grep -v '^[[:space:]]*$'
}

# Files touched by any patch of series VER.
kt_touched() {
	local p
	for p in $(kt_series "$1"); do
		sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$PATCHES/$1/$p"
	done | sort -u
}

# kt_set_variant VER N: make the tree of VER hold pristine sources plus the
# first N patches of patches/kernel/VER/series. Files whose content does not
# change keep their mtime, so builds stay incremental.
kt_set_variant() {
	local ver=$1 n=$2 tree pristine stage f p i=0
	tree=$KC/src/linux-source-$ver
	pristine=$KC/src/pristine-$ver
	if [ ! -d "$pristine" ]; then
		for f in $(kt_touched "$ver"); do
			mkdir -p "$pristine/$(dirname "$f")"
			cp -p "$tree/$f" "$pristine/$f"
		done
	fi
	stage=$(mktemp -d "$KC/stage.XXXXXX")
	cp -a "$pristine/." "$stage/"
	for p in $(kt_series "$ver"); do
		[ "$i" -lt "$n" ] || break
		i=$((i + 1))
		patch -s -p1 -d "$stage" --no-backup-if-mismatch < "$PATCHES/$ver/$p"
	done
	[ "$i" -eq "$n" ] || { echo "lib.sh: series $ver has only $i patches" >&2; rm -rf "$stage"; return 1; }
	for f in $(kt_touched "$ver"); do
		cmp -s "$stage/$f" "$tree/$f" || cp "$stage/$f" "$tree/$f"
	done
	rm -rf "$stage"
}

kt_make_args() {
	case $1 in
	x86_64) echo "ARCH=x86_64" ;;
	arm64) echo "ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" ;;
	*) echo "lib.sh: unknown arch $1" >&2; return 1 ;;
	esac
}

kt_image() {
	case $1 in
	x86_64) echo arch/x86/boot/bzImage ;;
	arm64) echo arch/arm64/boot/Image ;;
	esac
}

# kt_config VER ARCH [FRAGMENT]: (re)write the build dir's .config from
# tinyconfig plus tests/kernel/ARCH.config (and tests/kernel/FRAGMENT.config,
# in a build dir of its own); prints the build dir.
kt_config() {
	local ver=$1 arch=$2 frag=${3:-} tree build margs
	tree=$KC/src/linux-source-$ver
	build=$KC/build/$ver-$arch${frag:+-$frag}
	margs=$(kt_make_args "$arch")
	mkdir -p "$build"
	# shellcheck disable=SC2086
	make -s -C "$tree" O="$build" $margs tinyconfig >/dev/null
	# shellcheck disable=SC2086
	(cd "$build" && "$tree/scripts/kconfig/merge_config.sh" -m -O . .config "$kt_here/$arch.config" \
		${frag:+"$kt_here/$frag.config"} >/dev/null)
	# shellcheck disable=SC2086
	make -s -C "$tree" O="$build" $margs olddefconfig >/dev/null
	echo "$build"
}

# Variants: 6.12 (Debian's, unpatched), 6.12+bp (+ 0001-0002: upstream 7.2's
# rules), 6.12+bp+x (+ 0001-0003), 7.2, 7.2+x (+ patches/kernel/7.2).
kt_variant_ver() { echo "${1%%+*}"; }
kt_variant_n() {
	case $1 in
	6.12) echo 0 ;; 6.12+bp) echo 2 ;; 6.12+bp+x) echo 3 ;;
	7.2) echo 0 ;; 7.2+x) echo 1 ;;
	*) echo "lib.sh: unknown variant $1" >&2; return 1 ;;
	esac
}

# kt_build VARIANT ARCH [FRAGMENT]: build the variant's kernel (the first N
# patches of its series on the shared source tree) into
# $KC/out/VARIANT-ARCH[-FRAGMENT]/{image,config,release}.
kt_build() {
	local v=$1 arch=$2 frag=${3:-} ver n build margs img dest start pernuma=yes
	ver=$(kt_variant_ver "$v"); n=$(kt_variant_n "$v") || return 1
	dest=$KC/out/$v-$arch${frag:+-$frag}
	kt_set_variant "$ver" "$n"
	build=$(kt_config "$ver" "$arch" "$frag")
	[ "$v" = 6.12 ] && pernuma=no
	kt_config_ok "$build" "$arch" "$pernuma" "$frag" || return 1
	margs=$(kt_make_args "$arch")
	img=$(kt_image "$arch")
	start=$(date +%s)
	# shellcheck disable=SC2086
	make -s -C "$KC/src/linux-source-$ver" O="$build" $margs -j"$JOBS" "$(basename "$img")" \
		> "$build/build.log" 2>&1 || { tail -30 "$build/build.log"; return 1; }
	mkdir -p "$dest"
	cp "$build/$img" "$dest/image"
	cp "$build/.config" "$dest/config"
	# shellcheck disable=SC2086
	make -s -C "$KC/src/linux-source-$ver" O="$build" $margs kernelrelease > "$dest/release"
	echo "built $v for $arch${frag:+ with $frag.config} in $(($(date +%s) - start)) s: $(cat "$dest/release")"
}

# kt_config_ok BUILD ARCH WANT_PERNUMA [FRAGMENT]: every line of the
# fragments must have survived into .config (CMA_SIZE_PERNUMA only exists
# once patched).
kt_config_ok() {
	local build=$1 arch=$2 pernuma=$3 frag=${4:-} line bad=0 f
	for f in "$kt_here/$arch.config" ${frag:+"$kt_here/$frag.config"}; do
		while IFS= read -r line; do
			case $line in '#'*|'') continue ;; esac
			case $line in
			CONFIG_CMA_SIZE_PERNUMA=*)
				[ "$pernuma" = yes ] || { grep -q '^CONFIG_CMA_SIZE_PERNUMA' "$build/.config" && { echo "unexpected CONFIG_CMA_SIZE_PERNUMA in $build/.config" >&2; bad=1; }; continue; } ;;
			esac
			grep -qx "$line" "$build/.config" || { echo "missing in $build/.config: $line" >&2; bad=1; }
		done < "$f"
	done
	return $bad
}
