import { isForbiddenAddress } from '#src/modules/webhooks/domain/address-policy.js';

describe('isForbiddenAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['100.64.0.1', true], // CGNAT
    ['100.128.0.1', false],
    ['169.254.169.254', true], // cloud metadata
    ['0.0.0.0', true],
    ['224.0.0.251', true],
    ['255.255.255.255', true],
    ['198.18.0.1', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd00:ec2::254', true], // AWS metadata over IPv6
    ['fc00::1', true],
    ['ff02::1', true],
    ['2001:db8::1', true],
    ['::ffff:127.0.0.1', true], // IPv4-mapped
    ['::ffff:7f00:1', true],
    ['::ffff:a9fe:a9fe', true], // mapped 169.254.169.254
    ['::ffff:8.8.8.8', false],
    ['::127.0.0.1', true], // IPv4-compatible
    ['64:ff9b::a00:1', true], // NAT64 of 10.0.0.1
    ['64:ff9b::808:808', false],
    ['2002:c0a8:101::1', true], // 6to4 of 192.168.1.1
    ['2002:808:808::1', false],
    ['2606:4700:4700::1111', false],
    ['fe80::1%eth0', true],
    ['localhost', true], // not an address
    ['', true],
  ])('%s: %s', (address, refused) => {
    expect(isForbiddenAddress(address)).toBe(refused);
  });
});
