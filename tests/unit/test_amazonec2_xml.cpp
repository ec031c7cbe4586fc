// EC2 Query API responses as EC2 (and moto, the emulator the e2e tests use) send them.

#include <gtest/gtest.h>

#include "drivers/amazonec2/ec2_xml.hpp"

namespace {

using namespace machine::drivers::amazonec2;

// DescribeInstances as moto 5.2 answers it (shortened only by dropping elements the driver does not read):
// note the nested <privateIpAddress> in the network interface and the empty <groupSet/> elements.
const char* const k_describe_instances = R"(<?xml version="1.0" encoding="utf-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><reservationSet><item>
<reservationId>r-7deeaeb7390c60c3b</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet><item>
<architecture>x86_64</architecture><networkInterfaceSet><item><association/><groupSet><item><groupId>sg-d4844e31b7024b503</groupId>
<groupName>default</groupName></item></groupSet><privateIpAddress>10.0.9.9</privateIpAddress>
<subnetId>subnet-nic</subnetId></item></networkInterfaceSet><groupSet/><instanceId>i-1ec199a7081d5cf36</instanceId>
<imageId>ami-927185ef</imageId><instanceState><code>16</code><name>running</name></instanceState>
<privateDnsName>ip-10-213-21-4.ec2.internal</privateDnsName><keyName>m1</keyName><instanceType>t2.micro</instanceType>
<placement><groupName/><tenancy>default</tenancy><availabilityZone>us-east-1a</availabilityZone></placement>
<subnetId>subnet-d3f6a1e01c1d6fee1</subnetId><vpcId>vpc-dbc1fa40e98f3a85f</vpcId>
<privateIpAddress>10.213.21.4</privateIpAddress><ipAddress>54.214.45.110</ipAddress></item></instancesSet></item>
</reservationSet><requestId>request-id</requestId></DescribeInstancesResponse>)";

// RunInstances from the EC2 API reference (trimmed): no public address yet, state pending.
const char* const k_run_instances = R"(<RunInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <reservationId>r-1234567890abcdef0</reservationId>
  <ownerId>123456789012</ownerId>
  <groupSet/>
  <instancesSet>
    <item>
      <instanceId>i-1234567890abcdef0</instanceId>
      <imageId>ami-bff32ccc</imageId>
      <instanceState>
        <code>0</code>
        <name>pending</name>
      </instanceState>
      <privateDnsName/>
      <keyName>my-key-pair</keyName>
      <instanceType>t2.micro</instanceType>
      <subnetId>subnet-1a2b3c4d</subnetId>
      <vpcId>vpc-1a2b3c4d</vpcId>
      <privateIpAddress>192.168.1.88</privateIpAddress>
    </item>
  </instancesSet>
</RunInstancesResponse>)";

TEST(Amazonec2Xml, DescribeInstancesReadsTheInstanceLevelFields) {
    std::vector<Instance> instances = parse_instances(k_describe_instances);
    ASSERT_EQ(instances.size(), 1u);
    EXPECT_EQ(instances[0].id, "i-1ec199a7081d5cf36");
    EXPECT_EQ(instances[0].state, "running");
    EXPECT_EQ(instances[0].private_ip, "10.213.21.4");  // not the network interface's
    EXPECT_EQ(instances[0].public_ip, "54.214.45.110");
    EXPECT_EQ(instances[0].subnet_id, "subnet-d3f6a1e01c1d6fee1");
    EXPECT_EQ(instances[0].vpc_id, "vpc-dbc1fa40e98f3a85f");
}

TEST(Amazonec2Xml, RunInstancesAndReservation) {
    std::vector<Instance> instances = parse_instances(k_run_instances);
    ASSERT_EQ(instances.size(), 1u);
    EXPECT_EQ(instances[0].id, "i-1234567890abcdef0");
    EXPECT_EQ(instances[0].state, "pending");
    EXPECT_EQ(instances[0].private_ip, "192.168.1.88");
    EXPECT_EQ(instances[0].public_ip, "");
    EXPECT_EQ(parse_reservation_id(k_run_instances), "r-1234567890abcdef0");
}

TEST(Amazonec2Xml, EmptyReservationSet) {
    EXPECT_TRUE(
        parse_instances(R"(<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
<requestId>x</requestId><reservationSet/></DescribeInstancesResponse>)")
            .empty());
}

TEST(Amazonec2Xml, Subnets) {
    std::vector<Subnet> subnets =
        parse_subnets(R"(<DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
  <subnetSet>
    <item>
      <subnetId>subnet-1a2b3c4d</subnetId>
      <state>available</state>
      <vpcId>vpc-1a2b3c4d</vpcId>
      <cidrBlock>10.0.1.0/24</cidrBlock>
      <availableIpAddressCount>251</availableIpAddressCount>
      <availabilityZone>us-east-1a</availabilityZone>
      <defaultForAz>false</defaultForAz>
      <mapPublicIpOnLaunch>false</mapPublicIpOnLaunch>
      <tagSet/>
    </item>
    <item>
      <subnetId>subnet-6e7f829e</subnetId>
      <vpcId>vpc-1a2b3c4d</vpcId>
      <availabilityZone>us-east-1a</availabilityZone>
      <defaultForAz>true</defaultForAz>
    </item>
  </subnetSet>
</DescribeSubnetsResponse>)");
    ASSERT_EQ(subnets.size(), 2u);
    EXPECT_EQ(subnets[0].id, "subnet-1a2b3c4d");
    EXPECT_EQ(subnets[0].vpc_id, "vpc-1a2b3c4d");
    EXPECT_EQ(subnets[0].availability_zone, "us-east-1a");
    EXPECT_FALSE(subnets[0].default_for_az);
    EXPECT_TRUE(subnets[1].default_for_az);
}

TEST(Amazonec2Xml, KeyPairs) {
    EXPECT_EQ(
        parse_key_pair_names(R"(<DescribeKeyPairsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
    <keySet>
      <item>
         <keyPairId>key-0123456789abcdef0</keyPairId>
         <keyName>my-key-pair</keyName>
         <keyFingerprint>1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca:9f:f5:f1:6f</keyFingerprint>
      </item>
   </keySet>
</DescribeKeyPairsResponse>)"),
        std::vector<std::string>{"my-key-pair"});
}

TEST(Amazonec2Xml, SecurityGroupsWithPermissionsAndTags) {
    std::vector<SecurityGroup> groups = parse_security_groups(
        R"(<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
   <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
   <securityGroupInfo>
      <item>
         <ownerId>123456789012</ownerId>
         <groupId>sg-1a2b3c4d</groupId>
         <groupName>docker-machine</groupName>
         <groupDescription>Docker Machine</groupDescription>
         <vpcId>vpc-1a2b3c4d</vpcId>
         <ipPermissions>
            <item>
               <ipProtocol>tcp</ipProtocol>
               <fromPort>22</fromPort>
               <toPort>22</toPort>
               <groups/>
               <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>
            </item>
            <item>
               <ipProtocol>-1</ipProtocol>
               <groups><item><userId>123456789012</userId><groupId>sg-1a2b3c4d</groupId></item></groups>
               <ipRanges/>
            </item>
         </ipPermissions>
         <ipPermissionsEgress>
            <item><ipProtocol>-1</ipProtocol><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item>
         </ipPermissionsEgress>
         <tagSet><item><key>docker-machine:created-by</key><value>m1</value></item></tagSet>
      </item>
   </securityGroupInfo>
</DescribeSecurityGroupsResponse>)");
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].id, "sg-1a2b3c4d");
    EXPECT_EQ(groups[0].name, "docker-machine");
    EXPECT_EQ(groups[0].vpc_id, "vpc-1a2b3c4d");
    ASSERT_EQ(groups[0].permissions.size(), 2u);  // ingress only
    EXPECT_EQ(groups[0].permissions[0].protocol, "tcp");
    EXPECT_EQ(groups[0].permissions[0].from_port, 22);
    EXPECT_EQ(groups[0].permissions[1].protocol, "-1");
    EXPECT_FALSE(groups[0].permissions[1].from_port.has_value());
    ASSERT_EQ(groups[0].tags.size(), 1u);
    EXPECT_EQ(groups[0].tags[0].first, "docker-machine:created-by");
}

TEST(Amazonec2Xml, CreateSecurityGroupAndAccountAttributes) {
    EXPECT_EQ(parse_group_id(R"(<CreateSecurityGroupResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
   <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
   <return>true</return>
   <groupId>sg-0a42d66a</groupId>
</CreateSecurityGroupResponse>)"),
              "sg-0a42d66a");
    const std::string attributes =
        R"(<DescribeAccountAttributesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
  <accountAttributeSet>
    <item>
      <attributeName>supported-platforms</attributeName>
      <attributeValueSet><item><attributeValue>EC2</attributeValue></item><item><attributeValue>VPC</attributeValue></item></attributeValueSet>
    </item>
    <item>
      <attributeName>default-vpc</attributeName>
      <attributeValueSet><item><attributeValue>vpc-xxxxxxxx</attributeValue></item></attributeValueSet>
    </item>
  </accountAttributeSet>
</DescribeAccountAttributesResponse>)";
    EXPECT_EQ(parse_account_attribute(attributes, "default-vpc"), "vpc-xxxxxxxx");
    EXPECT_EQ(parse_account_attribute(attributes, "supported-platforms"), "EC2");
    EXPECT_FALSE(parse_account_attribute(attributes, "max-instances").has_value());
}

TEST(Amazonec2Xml, SpotInstanceRequests) {
    std::vector<SpotRequest> requests = parse_spot_requests(
        R"(<DescribeSpotInstanceRequestsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>d9da716e-1a8e-4cd4-b4b1-0c3fdEXAMPLE</requestId>
  <spotInstanceRequestSet>
    <item>
      <spotInstanceRequestId>sir-1a2b3c4d</spotInstanceRequestId>
      <spotPrice>0.09</spotPrice>
      <type>one-time</type>
      <state>active</state>
      <status>
        <code>fulfilled</code>
        <updateTime>YYYY-MM-DDTHH:MM:SS.000Z</updateTime>
        <message>Your Spot request is fulfilled.</message>
      </status>
      <launchSpecification><imageId>ami-1a2b3c4d</imageId><groupSet><item><groupId>sg-1a2b3c4d</groupId></item></groupSet></launchSpecification>
      <instanceId>i-1234567890abcdef0</instanceId>
    </item>
  </spotInstanceRequestSet>
</DescribeSpotInstanceRequestsResponse>)");
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].id, "sir-1a2b3c4d");
    EXPECT_EQ(requests[0].state, "active");
    EXPECT_EQ(requests[0].status_code, "fulfilled");
    EXPECT_EQ(requests[0].instance_id, "i-1234567890abcdef0");
}

TEST(Amazonec2Xml, ErrorDocuments) {
    // EC2's shape.
    auto ec2 = parse_error(R"(<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-1a2b3c4d' does not exist</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>)");
    ASSERT_TRUE(ec2.has_value());
    EXPECT_EQ(ec2->code, "InvalidInstanceID.NotFound");
    EXPECT_EQ(ec2->message, "The instance ID 'i-1a2b3c4d' does not exist");
    EXPECT_EQ(ec2->request_id, "ea966190-f9aa-478e-9ede-example");
    // moto's authentication failures.
    auto auth = parse_error(R"(<?xml version="1.0" encoding="utf-8"?>
<ErrorResponse><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able to validate the provided access credentials</Message><Type>Sender</Type></Error></Errors></ErrorResponse>)");
    ASSERT_TRUE(auth.has_value());
    EXPECT_EQ(auth->code, "AuthFailure");
    EXPECT_EQ(auth->request_id, "");
    EXPECT_FALSE(parse_error("<html><body>502 Bad Gateway</body></html>").has_value());
    EXPECT_FALSE(parse_error("not xml at all").has_value());
}

TEST(Amazonec2Xml, MalformedResponsesThrow) {
    EXPECT_THROW((void)parse_instances("<DescribeInstancesResponse><reservationSet>"), XmlError);
    EXPECT_THROW((void)parse_subnets(""), XmlError);
}

}  // namespace
